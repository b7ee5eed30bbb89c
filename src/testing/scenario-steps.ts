// What a scenario becomes before it runs: its timeline and its people's arrivals, as steps in
// the order they happen, and how each timeline event reads (as chaos to apply, as a label).
import type { Behaviour } from './chaos.js';
import { createRandom } from './random.js';
import type { Scenario, ScenarioEvent } from './scenario.js';

/** A request that has arrived, or an event of the timeline, in the order they happen. */
export type Step =
  | { time: number; order: 0; event: ScenarioEvent & { time: number } }
  | { time: number; order: 1; operation: string; exclude: readonly string[]; n: number };

export function behaviourOf(e: ScenarioEvent): Behaviour | undefined {
  switch (e.do) {
    case 'down':
    case 'up':
    case 'hang':
    case 'fail':
      return { kind: e.do };
    case 'not-executed':
      return e.ms === undefined ? { kind: 'not-executed' } : { kind: 'not-executed', ms: e.ms };
    case 'slow':
      return { kind: 'slow', ms: e.ms };
    case 'flaky':
      return { kind: 'flaky', rate: e.rate };
    default:
      return undefined;
  }
}

function clockTime(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    ms,
  );
}

export function markLabel(e: ScenarioEvent, timeZone: string, time: number): string {
  const when = clockTime(time, timeZone);
  if (e.note) return `${when} ${e.note}`;
  if (e.do === 'declare-outage') return `${when} outage ${e.outage.id} declared`;
  if (e.do === 'end-outage') return `${when} outage ${e.id} ended`;
  const target = e.operation ? `${e.operation}/${e.channel}` : e.channel;
  const extra = e.do === 'slow' ? ` ${e.ms} ms` : e.do === 'flaky' ? ` ${Math.round(e.rate * 100)} %` : '';
  return `${when} ${target} ${e.do}${extra}`;
}

/** Poisson arrivals per operation and a profile per person, all drawn from the seed. */
function arrivals(s: Scenario, seed: number): Step[] {
  const steps: Step[] = [];
  const root = createRandom(seed);
  const operations = Object.keys(s.catalog.operations).filter((op) => Object.hasOwn(s.traffic.perMinute, op));
  for (const operation of operations) {
    const rate = s.traffic.perMinute[operation] as number;
    const random = root.fork(`arrivals/${operation}`);
    const mean = 60_000 / rate;
    for (let t = s.start + random.exponential(mean); t < s.end; t += random.exponential(mean)) {
      // Whole milliseconds: the same instants on every platform, and readable in reports.
      const time = Math.floor(t);
      let exclude: readonly string[] = s.traffic.exclude;
      let draw = random.next();
      for (const p of s.traffic.profiles) {
        if (draw < p.share) {
          exclude = [...new Set([...exclude, ...p.exclude])];
          break;
        }
        draw -= p.share;
      }
      // n is set by stepsOf, once every operation's arrivals are in one time order.
      steps.push({ time, order: 1, operation, exclude, n: 0 });
    }
  }
  return steps;
}

/** The timeline's events and the arrivals, in the order they happen, each person numbered. */
export function stepsOf(s: Scenario, seed: number): Step[] {
  const steps: Step[] = [
    ...s.timeline.map((event) => ({ time: event.time, order: 0 as const, event })),
    ...arrivals(s, seed),
  ];
  // Events before arrivals at the same instant: a failure at 09:00 is there for the 09:00 customer.
  steps.sort((a, b) => a.time - b.time || a.order - b.order);
  // n is each person's input and idempotency key, so it follows this order. The sort is stable:
  // people arriving in the same millisecond keep their operations' catalogue order.
  let n = 0;
  for (const step of steps) if (step.order === 1) step.n = ++n;
  return steps;
}
