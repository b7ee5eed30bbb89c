/**
 * Replays Monday 9 April 2018 through the La Poste preset, in virtual time.
 *
 * One clock (`useVirtualTime` from secours/testing, over @sinonjs/fake-timers) drives everything: opossum's reset timers, the router's
 * timers (timeouts, outage expiry, bucket rotation), the simulated backends' latencies and the
 * router's `clock.now()` for opening hours. A day runs in about a second, and every run prints
 * the same thing.
 */
import {
  type BreakerEvent,
  createRouter,
  type Outage,
  type OutageEvent,
  type Outcome,
  type ReferralCode,
} from '../../src/index.js';
import { laPoste } from '../../src/presets/la-poste.js';
import { useVirtualTime } from '../../src/testing/virtual-time.js';
import { createBackends } from './backends.js';
import { customerBlock, INDENT, operationLabel, type Paint, paint } from './format.js';
import { hhmm } from './opening-hours-text.js';
import {
  type AccountRef,
  type CardRef,
  type Cash,
  type Customer,
  customers,
  DECLARED_AT,
  type Item,
  NEXT_DAY,
  type Notice,
  type Period,
  paris,
  periodOf,
  START,
  type StampOrder,
  TERMINALS_BACK,
  TERMINALS_DOWN,
  type Tracking,
  type TransferOrder,
} from './timeline.js';

/** What happened to one customer. */
export interface CustomerRecord {
  name: string;
  locale: 'fr' | 'en';
  operation: Customer['request']['op'];
  /** Arrival, ISO 8601. */
  at: string;
  period: Period;
  kind: Outcome['kind'];
  /** Served: where. Uncertain: the channel whose attempt may have happened. */
  channel?: string;
  degraded?: boolean;
  code?: ReferralCode;
  reference?: string;
  /** Channels offered, in order (referred and uncertain). */
  alternatives: string[];
  /** A counter route was actually run (not skipped) for this customer. */
  counterTried: boolean;
  /** The printed block. */
  lines: string[];
}

export interface PeriodCounts {
  customers: number;
  servedFirstRoute: number;
  servedDegraded: number;
  referred: number;
  uncertain: number;
  sentToCounter: number;
}

export interface DemoSummary {
  customers: CustomerRecord[];
  periods: Record<Period, PeriodCounts>;
  breakerEvents: { operation: string; channel: string; state: string; at: string }[];
  outageEvents: { type: OutageEvent['type']; id: string; at: string }[];
  /** When the operator declared the outage, ISO 8601. */
  declaredAt: string;
  /** Customers whose call ran a counter route between 09:00 and 15:00. */
  counterDuringOutage: {
    total: number;
    /** …after that operation's counter breaker had opened, or after the declaration: must be 0. */
    afterBreakerOrDeclaration: number;
  };
}

export interface DemoOptions {
  /** Where lines go. @default process.stdout */
  write?: (line: string) => void;
  /** ANSI colours. @default false */
  color?: boolean;
}

export const OUTAGE_REASON = {
  fr: "Les terminaux des guichets sont en panne dans tous les bureaux de poste depuis l'ouverture. Les distributeurs, les automates d'affranchissement, le site et l'appli fonctionnent.",
  en: 'Counter terminals have been down in every post office since opening time. Cash machines, postage machines, the website and the app are working.',
};

/**
 * Breakers for a handful of customers standing for the whole country. `volumeThreshold: 3` so a
 * breaker opens after three calls in a row fail; the rolling window is an hour because customers
 * come minutes apart (in reality thousands of calls failed within the first second). The reset
 * timeout is long enough that no trial call reaches a dead terminal before the operator declares
 * the outage at 10:30; from then on the outage holds every counter route until 15:00.
 */
const BREAKER = {
  timeout: 5_000,
  errorThresholdPercentage: 50,
  volumeThreshold: 3,
  resetTimeout: 2 * 3_600_000,
  rollingCountTimeout: 3_600_000,
  rollingCountBuckets: 12,
};

const PERIOD_TITLES: Record<Period, string> = {
  before: 'Before opening — Monday 9 April 2018, 08:00–09:00 (offices open at 09:00)',
  during: 'During the outage — counter terminals down from 09:00 to about 15:00',
  after: 'After — terminals back at 15:00, then Tuesday 10 April',
};

function buildRouter(now: () => number) {
  const b = createBackends(now);
  return createRouter({
    catalog: laPoste,
    clock: { now },
    breaker: BREAKER,
    handlers: {
      'stamp-purchase': {
        counter: b.counter<StampOrder>(),
        'postage-machine': b.postageMachine<StampOrder>(),
        app: b.app<StampOrder>(),
        web: b.web<StampOrder>(),
      },
      postage: {
        counter: b.counter<Item>(),
        'postage-machine': b.postageMachine<Item>(),
        web: b.web<Item>(),
        app: b.app<Item>(),
      },
      'cash-withdrawal': { atm: b.atm<Cash>(), counter: b.counter<Cash>() },
      'cash-deposit': { counter: b.counter<Cash>(), atm: b.atm<Cash>() },
      'registered-mail-pickup': { counter: b.counter<Notice>() },
      'parcel-pickup': { counter: b.counter<Tracking>() },
      transfer: { app: b.app<TransferOrder>(), web: b.web<TransferOrder>(), counter: b.counter<TransferOrder>() },
      'card-block': { app: b.app<CardRef>(), web: b.web<CardRef>(), counter: b.counter<CardRef>() },
      balance: { app: b.app<AccountRef>(), web: b.web<AccountRef>(), counter: b.counter<AccountRef>() },
    },
  });
}

type DemoRouter = ReturnType<typeof buildRouter>;

function emptyCounts(): PeriodCounts {
  return { customers: 0, servedFirstRoute: 0, servedDegraded: 0, referred: 0, uncertain: 0, sentToCounter: 0 };
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const p: Paint = paint(options.color ?? false);

  // The timers and Date are virtual; promises stay real, so awaiting works.
  const clock = useVirtualTime({ now: START });
  let router: DemoRouter | undefined;

  const records: CustomerRecord[] = [];
  const breakerEvents: DemoSummary['breakerEvents'] = [];
  const outageEvents: DemoSummary['outageEvents'] = [];
  const pending: string[] = [];
  let outage: Outage | undefined;
  let outageActive = false;

  const flush = () => {
    for (const line of pending.splice(0)) write(line);
  };

  try {
    router = buildRouter(clock.now);
    const r = router;

    // Events arrive while a call runs; they are printed after the block of the customer whose
    // call set them off, or at once between customers.
    r.on('breaker', (e: BreakerEvent) => {
      breakerEvents.push({ operation: e.operation, channel: e.channel, state: e.state, at: e.at });
      const what = `${e.operation} on ${e.channel}`;
      const note =
        e.state === 'open'
          ? 'from now on this route is skipped at once: no one waits for a dead terminal'
          : e.state === 'half-open'
            ? outageActive
              ? `reset timeout elapsed; no trial call while the declared outage holds (until ${hhmm(outage?.until ?? TERMINALS_BACK)})`
              : 'the next customer is the trial call'
            : 'the trial call worked: back to normal';
      pending.push(`${hhmm(e.at)}  ${p.cyan(`⚡ breaker ${e.state}`)}: ${what} — ${note}`);
    });
    r.on('outage', (e: OutageEvent) => {
      const now = clock.now();
      outageEvents.push({ type: e.type, id: e.outage.id, at: new Date(now).toISOString() });
      if (e.type === 'started') {
        outageActive = true;
        pending.push(
          `${hhmm(now)}  ${p.magenta('▶ outage in effect')}: every counter route is skipped, for every operation`,
        );
      } else if (e.type === 'ended') {
        outageActive = false;
        pending.push(
          `${hhmm(now)}  ${p.magenta('▶ outage over')}: \`${e.outage.id}\` expired by itself at ${hhmm(e.outage.until ?? now)}`,
        );
      }
    });

    const snapshotLine = () => {
      const s = r.getSnapshot();
      const ops = (['stamp-purchase', 'postage', 'cash-deposit', 'registered-mail-pickup'] as const)
        .map((op) => `${op} ${s.operations[op].status}`)
        .join(', ');
      return `${p.dim('       status page:')} counter ${s.channels.counter.status}; ${ops}`;
    };

    // Things that happen in the world or by an operator's hand, at set times.
    const milestones: { at: number; run: () => void }[] = [
      {
        at: TERMINALS_DOWN,
        run: () =>
          write(
            `${hhmm(clock.now())}  ${p.red('✖ world')}: offices open; every counter terminal fails to open a session`,
          ),
      },
      {
        at: DECLARED_AT,
        run: () => {
          outage = r.declareOutage({
            id: 'incident-2018-04-09-counter-it',
            systems: ['counter-it'],
            reason: OUTAGE_REASON,
            until: TERMINALS_BACK,
          });
          write(
            `${hhmm(clock.now())}  ${p.magenta('▶ operator declares an outage')}: systems [counter-it] until ${hhmm(outage.until ?? TERMINALS_BACK)} (id ${outage.id})`,
          );
          write(`${INDENT}fr: ${OUTAGE_REASON.fr}`);
          write(`${INDENT}en: ${OUTAGE_REASON.en}`);
          flush();
          write(snapshotLine());
        },
      },
      {
        at: TERMINALS_BACK,
        run: () => write(`${hhmm(clock.now())}  ${p.green('✔ world')}: counter terminals work again`),
      },
    ];

    const advanceTo = async (target: number) => {
      for (;;) {
        const next = milestones[0];
        const stop = next && next.at <= target ? next.at : target;
        await clock.advanceTo(stop);
        flush();
        if (next && next.at <= target) {
          milestones.shift();
          next.run();
          flush();
        } else return;
      }
    };

    write(p.bold('secours — replay of Monday 9 April 2018: the day the post office counters stopped'));
    write(
      p.dim(
        'Virtual time (@sinonjs/fake-timers), Paris time. Preset: la-poste. Breakers per route: volumeThreshold 3, resetTimeout 2 h.',
      ),
    );

    let period: Period | undefined;
    let tuesday = false;
    for (const [i, c] of customers.entries()) {
      const at = paris(c.at);
      const cPeriod = periodOf(at);
      if (cPeriod !== period) {
        // The section changes at its first customer; the world's events print in their own section.
        await advanceTo(cPeriod === 'during' ? TERMINALS_DOWN - 1 : cPeriod === 'after' ? TERMINALS_BACK - 1 : at);
        if (period) write(snapshotLine());
        period = cPeriod;
        write('');
        write(p.bold(`── ${PERIOD_TITLES[cPeriod]} ${'─'.repeat(Math.max(0, 96 - PERIOD_TITLES[cPeriod].length))}`));
      }
      if (!tuesday && c.at.startsWith(NEXT_DAY)) {
        tuesday = true;
        await advanceTo(paris(`${NEXT_DAY}T00:00`));
        write(p.bold('   Tuesday 10 April'));
      }
      await advanceTo(at);

      // The simulated backends answer within seconds of virtual time: a minute means the demo is wrong.
      const outcome: Outcome = await clock.settle(
        r.execute(c.request.op, c.request.input, {
          locale: c.locale,
          idempotencyKey: `demo-2018-04-09-${String(i + 1).padStart(2, '0')}-${c.name.normalize('NFD').replace(/[^A-Za-z]/g, '')}`,
          ...(c.exclude ? { exclude: c.exclude } : {}),
          ...('amount' in c.request.input ? { amount: c.request.input.amount } : {}),
        }),
        { limitMs: 60_000 },
      );

      const lines = customerBlock(c, outcome, at, outage, p);
      for (const line of lines) write(line);
      flush();

      records.push({
        name: c.name,
        locale: c.locale,
        operation: c.request.op,
        at: new Date(at).toISOString(),
        period: cPeriod,
        kind: outcome.kind,
        ...(outcome.kind === 'served' ? { channel: outcome.channel, degraded: outcome.degraded } : {}),
        ...(outcome.kind === 'referred' ? { code: outcome.code } : {}),
        ...(outcome.kind === 'uncertain' ? { channel: outcome.channel, reference: outcome.reference } : {}),
        alternatives: outcome.kind === 'served' ? [] : outcome.alternatives.map((a) => a.channel),
        counterTried: outcome.attempts.some((a) => a.channel === 'counter' && a.result !== 'skipped'),
        lines,
      });
    }
    write(snapshotLine());

    // ── Summary ──────────────────────────────────────────────────────────────────────────
    const periods: Record<Period, PeriodCounts> = {
      before: emptyCounts(),
      during: emptyCounts(),
      after: emptyCounts(),
    };
    for (const rec of records) {
      const n = periods[rec.period];
      n.customers++;
      if (rec.kind === 'served') rec.degraded ? n.servedDegraded++ : n.servedFirstRoute++;
      else if (rec.kind === 'referred') n.referred++;
      else n.uncertain++;
      if (rec.counterTried) n.sentToCounter++;
    }
    const openedAt = new Map<string, number>();
    for (const e of breakerEvents) {
      if (e.channel === 'counter' && e.state === 'open' && !openedAt.has(e.operation)) {
        openedAt.set(e.operation, Date.parse(e.at));
      }
    }
    const during = records.filter((rec) => rec.period === 'during' && rec.counterTried);
    const late = during.filter((rec) => {
      const t = Date.parse(rec.at);
      const opened = openedAt.get(rec.operation);
      return t >= DECLARED_AT || (opened !== undefined && t >= opened);
    });

    write('');
    write(p.bold(`── Summary ${'─'.repeat(88)}`));
    const head = ['', 'customers', 'first route', 'fallback', 'referred', 'uncertain', 'sent to a counter'];
    const row = (cells: (string | number)[]) =>
      cells.map((cell, k) => (k === 0 ? String(cell).padEnd(27) : String(cell).padStart(k === 6 ? 20 : 12))).join('');
    write(p.dim(row(head)));
    const names: Record<Period, string> = {
      before: 'before 09:00',
      during: 'outage 09:00–15:00',
      after: 'after 15:00 (and Tuesday)',
    };
    for (const key of ['before', 'during', 'after'] as const) {
      const n = periods[key];
      write(
        row([names[key], n.customers, n.servedFirstRoute, n.servedDegraded, n.referred, n.uncertain, n.sentToCounter]),
      );
    }
    const opened = [...openedAt]
      .map(([op, t]) => `${operationLabel(op as keyof typeof laPoste.operations, 'en')} ${hhmm(t)}`)
      .join(', ');
    write('');
    write(
      `Counter breakers opened: ${opened || 'none'}. Outage declared at ${hhmm(DECLARED_AT)}, expired at ${hhmm(TERMINALS_BACK)}.`,
    );
    write(
      `Sent to a dead counter during the outage: ${during.length} (${during.map((rec) => `${rec.name} ${hhmm(rec.at)}`).join(', ')}),`,
    );
    const verdict = `${late.length} after their operation's breaker opened or the outage was declared`;
    write(`  of whom ${late.length === 0 ? p.green(verdict) : p.red(verdict)}.`);
    write(
      p.dim(
        'Breakers are per route (operation × channel): each operation learns on its own that the counter is down; the declared outage covers them all.',
      ),
    );

    return {
      customers: records,
      periods,
      breakerEvents,
      outageEvents,
      declaredAt: new Date(DECLARED_AT).toISOString(),
      counterDuringOutage: { total: during.length, afterBreakerOrDeclaration: late.length },
    };
  } finally {
    router?.dispose();
    clock.uninstall();
  }
}
