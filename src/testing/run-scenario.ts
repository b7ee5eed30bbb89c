import type { AnyCatalog } from '../catalog.js';
import type { Outage } from '../outages.js';
import { outageChannels } from '../outages.js';
import type { Outcome } from '../outcome.js';
import { createRouter, type Handler, type HandlerContext, type Router } from '../router.js';
import type { ChannelStatus } from '../snapshot.js';
import { type Behaviour, createChaos } from './chaos.js';
import {
  add,
  type Bucket,
  type Counts,
  closedSpans,
  emptyCounts,
  type FailureReport,
  type ScenarioReport,
  type Tally,
} from './report.js';
import { parseScenario, type Scenario, type ScenarioEvent } from './scenario.js';
import { probesOf } from './scenario-probes.js';
import { behaviourOf, markLabel, type Step, stepsOf } from './scenario-steps.js';
import { sleep } from './sleep.js';
import { useVirtualTime } from './virtual-time.js';

export interface RunScenarioOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Runs the scenario's probes (`scenario.probes`); false replays it without them. @default true */
  probes?: boolean;
  /** Called after each bucket of virtual time: for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

interface OpenFailure {
  report: FailureReport;
  from: number;
  until: number | undefined;
  operation: string | undefined;
  channels: Set<string>;
}

/** Skips that mean the router already knew the route was down. */
const KNOWN_DOWN = new Set(['breaker-open', 'outage', 'maintenance', 'remote']);

/**
 * Drives a real router through a scenario in virtual time and reports, per operation and per
 * time bucket, who was served, referred (and to what) or left uncertain, when each failure was
 * detected and when its channels served again. The report depends on the scenario and the seed
 * only: run it twice, get the same bytes.
 * @example
 * const report = await runScenario(scenarios['counters-2018-04-09'], { seed: 1 });
 */
export async function runScenario(input: unknown, options: RunScenarioOptions = {}): Promise<ScenarioReport> {
  const s: Scenario =
    typeof input === 'object' && input !== null && typeof (input as Scenario).start === 'number'
      ? (input as Scenario)
      : parseScenario(input);
  const seed = options.seed ?? s.seed;
  const catalog: AnyCatalog = s.catalog;
  const operationIds = Object.keys(catalog.operations);
  const channelIds = Object.keys(catalog.channels);

  const steps = stepsOf(s, seed);

  const all = emptyCounts();
  const operations: Record<string, Counts> = {};
  for (const op of operationIds) if (Object.hasOwn(s.traffic.perMinute, op)) operations[op] = emptyCounts();
  const bucketCount = Math.ceil((s.end - s.start) / s.bucketMs);
  const buckets: Bucket[] = Array.from({ length: bucketCount }, (_, i) => ({
    start: new Date(s.start + i * s.bucketMs).toISOString(),
    end: new Date(Math.min(s.end, s.start + (i + 1) * s.bucketMs)).toISOString(),
    all: emptyCounts(),
    operations: Object.fromEntries(Object.keys(operations).map((op) => [op, emptyCounts()])),
  }));
  const failures: OpenFailure[] = [];
  const channels: Record<string, { at: string; status: ChannelStatus }[]> = {};
  const timeline: ScenarioReport['timeline'] = [];

  const time = useVirtualTime({ now: s.start });
  let router: Router | undefined;
  try {
    const chaos = createChaos(catalog, { seed });
    const handlers: Record<string, Record<string, Handler>> = {};
    let receipts = 0;
    for (const op of operationIds) {
      for (const route of (catalog.operations[op] as { routes: readonly { channel: string }[] }).routes) {
        if (!s.automated.includes(route.channel)) continue;
        handlers[op] ??= {};
        (handlers[op] as Record<string, Handler>)[route.channel] = async (_input: unknown, ctx: HandlerContext) => {
          await sleep(s.latencyMs, ctx.signal);
          return { receipt: ++receipts };
        };
      }
    }
    const probes = options.probes === false ? {} : probesOf(s, chaos);
    const r = createRouter({
      catalog,
      clock: time.clock,
      breaker: s.breaker,
      handlers: chaos.wrap(handlers),
      probes,
      // No jitter: the report depends on the scenario and the seed only.
      probe: { ...s.probe, jitter: 0 },
    });
    router = r as unknown as Router;

    const recordStatuses = () => {
      const snapshot = r.getSnapshot();
      const at = new Date(time.now()).toISOString();
      for (const ch of channelIds) {
        const status = (snapshot.channels as Record<string, { status: ChannelStatus }>)[ch]?.status ?? 'operational';
        let list = channels[ch];
        if (!list) {
          list = [];
          channels[ch] = list;
        }
        const last = list[list.length - 1];
        if (last?.status === status) continue;
        // Several changes within one instant: keep the last.
        if (last?.at === at) list.pop();
        if (list[list.length - 1]?.status !== status) list.push({ at, status });
      }
    };
    recordStatuses();
    r.subscribe(recordStatuses);

    r.on('outage', (e) => {
      if (e.type !== 'ended') return;
      const f = failures.find((x) => x.report.target === `outage:${e.outage.id}`);
      if (f && f.until === undefined) {
        f.until = time.now();
        f.report.until = new Date(f.until).toISOString();
      }
    });

    const openFailure = (report: Omit<FailureReport, 'from'>, operation: string | undefined, chs: Iterable<string>) => {
      const now = time.now();
      failures.push({
        report: { ...report, from: new Date(now).toISOString() },
        from: now,
        until: undefined,
        operation,
        channels: new Set(chs),
      });
    };

    const apply = (e: ScenarioEvent) => {
      if (e.do === 'declare-outage') {
        const outage: Outage = r.declareOutage(e.outage as never);
        const chs = outageChannels(catalog, outage);
        openFailure(
          { target: `outage:${outage.id}`, kind: 'outage', what: outage.kind, channels: [...chs] },
          outage.operations.length === 1 ? outage.operations[0] : undefined,
          chs,
        );
        return;
      }
      if (e.do === 'end-outage') {
        r.endOutage(e.id);
        return;
      }
      const target = e.operation ? { operation: e.operation, channel: e.channel } : e.channel;
      chaos.set(target as never, behaviourOf(e) as Behaviour);
      const name = e.operation ? `${e.operation}/${e.channel}` : e.channel;
      const now = time.now();
      if (e.do === 'up') {
        for (const f of failures) {
          if (f.report.kind !== 'chaos' || f.until !== undefined) continue;
          if (f.report.target === name || (!e.operation && f.channels.has(e.channel))) {
            f.until = now;
            f.report.until = new Date(now).toISOString();
          }
        }
        return;
      }
      const open = failures.find((f) => f.report.target === name && f.until === undefined);
      if (open) return; // another kind of failure on a target already failing: the same failure goes on
      openFailure({ target: name, kind: 'chaos', what: e.do, channels: [e.channel] }, e.operation, [e.channel]);
    };

    const firstChannel = (op: string) =>
      (catalog.operations[op] as { routes: readonly { channel: string }[] }).routes[0]?.channel;
    const record = (step: Extract<Step, { order: 1 }>, outcome: Outcome) => {
      const first = outcome.attempts[0];
      const t: Tally = {
        kind: outcome.kind,
        degraded: outcome.kind === 'served' && outcome.degraded,
        firstClosed:
          first?.result === 'skipped' && first.why === 'closed' && first.channel === firstChannel(step.operation),
        channel: outcome.kind === 'served' ? outcome.channel : undefined,
        offered: outcome.kind === 'served' ? [] : outcome.alternatives.map((a) => a.channel),
        openAlternative: outcome.kind !== 'served' && outcome.alternatives.some((a) => a.openNow),
        code: outcome.kind === 'referred' ? outcome.code : undefined,
      };
      add(all, t);
      add(operations[step.operation] as Counts, t);
      const bucket = buckets[Math.min(bucketCount - 1, Math.floor((step.time - s.start) / s.bucketMs))] as Bucket;
      add(bucket.all, t);
      add(bucket.operations[step.operation] as Counts, t);
      for (const f of failures) {
        if (step.time < f.from || (f.operation !== undefined && f.operation !== step.operation)) continue;
        if (f.report.detectedAt === undefined) {
          const saw = outcome.attempts.some(
            (a) => a.result === 'skipped' && KNOWN_DOWN.has(a.why) && f.channels.has(a.channel),
          );
          if (saw) {
            f.report.detectedAt = new Date(step.time).toISOString();
            f.report.detectAfterMs = step.time - f.from;
          }
        }
        if (f.until !== undefined && f.report.recoveredAt === undefined && step.time >= f.until) {
          if (outcome.kind === 'served' && f.channels.has(outcome.channel)) {
            f.report.recoveredAt = new Date(step.time).toISOString();
            f.report.recoverAfterMs = step.time - f.until;
          }
        }
      }
    };

    let pending = 0;
    let failure: unknown;
    let next = 0;
    const pump = () => {
      const now = time.now();
      while (next < steps.length && (steps[next] as Step).time <= now) {
        const step = steps[next++] as Step;
        if (step.order === 0) {
          timeline.push({ at: new Date(step.time).toISOString(), label: markLabel(step.event, s.timeZone, step.time) });
          apply(step.event);
          continue;
        }
        pending++;
        const amount = s.traffic.amounts[step.operation];
        (r.execute as (op: string, input: unknown, ctx: object) => Promise<Outcome>)(
          step.operation,
          { n: step.n },
          {
            locale: s.traffic.locale,
            idempotencyKey: `${s.name}-${seed}-${step.n}`,
            ...(step.exclude.length ? { exclude: step.exclude } : {}),
            ...(amount === undefined ? {} : { amount }),
          },
        ).then(
          (outcome) => {
            pending--;
            record(step, outcome);
          },
          (error: unknown) => {
            pending--;
            failure ??= error;
          },
        );
      }
      const upcoming = steps[next];
      if (upcoming) setTimeout(pump, upcoming.time - now);
    };
    pump();

    for (let i = 1; i <= bucketCount; i++) {
      await time.advanceTo(Math.min(s.end, s.start + i * s.bucketMs));
      options.onProgress?.(i, bucketCount);
    }
    // Calls still running at the end (a slow backend, a timeout) settle in the minutes after.
    for (let spent = 0; pending > 0 && spent < 3_600_000; spent += 1_000) await time.advance(1_000);
    if (failure !== undefined) throw failure;

    const shareWithOpenAlternative =
      all.referred + all.uncertain === 0 ? null : all.withOpenAlternative / (all.referred + all.uncertain);
    return {
      scenario: {
        name: s.name,
        title: s.title,
        ...(s.description === undefined ? {} : { description: s.description }),
        sources: [...s.sources],
        catalog: s.catalogName,
        start: new Date(s.start).toISOString(),
        end: new Date(s.end).toISOString(),
        timeZone: s.timeZone,
        bucketMinutes: s.bucketMs / 60_000,
        seed,
      },
      all: { ...all, shareWithOpenAlternative },
      operations,
      buckets,
      failures: failures.map((f) => f.report),
      channels,
      closed: Object.fromEntries(
        channelIds
          .map((ch) => [ch, closedSpans(catalog.channels[ch]?.hours, s.start, s.end)] as const)
          .filter(([, spans]) => spans.length > 0),
      ),
      timeline,
    };
  } finally {
    router?.dispose();
    time.uninstall();
  }
}
