// The real incidents, replayed through the La Poste preset: the numbers the press reports cited
// in each scenario's `sources` lead one to expect, asserted on the report.
import { beforeAll, describe, expect, it } from 'vitest';
import { configError } from '../../test/helpers/config-error.js';
import type { Bucket, Counts, ScenarioReport } from './report.js';
import { runScenario } from './run-scenario.js';
import { parseScenario } from './scenario.js';
import { scenarios } from './scenarios/index.js';

const reports = new Map<string, Promise<ScenarioReport>>();
function replay(name: string): Promise<ScenarioReport> {
  let r = reports.get(name);
  if (!r) {
    r = runScenario(scenarios[name]);
    reports.set(name, r);
  }
  return r;
}

/** Buckets that start at or after `from` and end at or before `to` (ISO with offset). */
function within(report: ScenarioReport, from: string, to: string): Bucket[] {
  const f = Date.parse(from);
  const t = Date.parse(to);
  const list = report.buckets.filter((b) => Date.parse(b.start) >= f && Date.parse(b.end) <= t);
  expect(list.length).toBeGreaterThan(0);
  return list;
}

const op = (b: Bucket, name: string) => b.operations[name] as Counts;
const served = (c: Counts) => c.servedFirstRoute + c.servedDegraded;

describe('counters-2018-04-09', () => {
  let r: ScenarioReport;
  beforeAll(async () => {
    r = await replay('counters-2018-04-09');
  });

  it('sends no one to a counter while the terminals are down', () => {
    for (const b of within(r, '2018-04-09T09:00:00+02:00', '2018-04-09T15:00:00+02:00')) {
      for (const [name, c] of Object.entries(b.operations)) {
        expect({ bucket: b.start, name, offered: c.offered.counter ?? 0, served: c.servedBy.counter ?? 0 }).toEqual({
          bucket: b.start,
          name,
          offered: 0,
          served: 0,
        });
      }
    }
  });

  it('offers everyone who asks for a cash withdrawal an ATM', () => {
    const c = r.operations['cash-withdrawal'] as Counts;
    expect(c.requests).toBeGreaterThan(500);
    expect((c.servedBy.atm ?? 0) + (c.offered.atm ?? 0)).toBe(c.requests);
    expect(c.servedBy.atm).toBe(c.requests);
  });

  it('leaves no one uncertain: a terminal that cannot open a session has done nothing', () => {
    expect(r.all.uncertain).toBe(0);
  });

  it('serves stamps and postage elsewhere during the outage, never on the first route', () => {
    for (const b of within(r, '2018-04-09T09:00:00+02:00', '2018-04-09T15:00:00+02:00')) {
      for (const name of ['stamp-purchase', 'postage']) {
        const c = op(b, name);
        expect(c.servedFirstRoute).toBe(0);
        expect(c.servedDegraded).toBeGreaterThan(0);
      }
    }
    // While the office is open, its own postage machine is the first place people are sent.
    const morning = within(r, '2018-04-09T10:00:00+02:00', '2018-04-09T12:00:00+02:00');
    for (const b of morning) expect(op(b, 'postage').servedBy['postage-machine']).toBeGreaterThan(0);
  });

  it('detects the failure within minutes, and serves at the counter again right after 15:00', () => {
    const [chaos, outage] = r.failures;
    expect(chaos).toMatchObject({ target: 'counter', kind: 'chaos', from: '2018-04-09T07:00:00.000Z' });
    expect(chaos?.detectAfterMs).toBeLessThan(10 * 60_000);
    expect(outage).toMatchObject({ target: 'outage:counters-2018-04-09', until: '2018-04-09T13:00:00.000Z' });
    expect(outage?.recoveredAt).toBeDefined();
    expect(outage?.recoverAfterMs).toBeLessThan(5 * 60_000);
    for (const b of within(r, '2018-04-09T15:00:00+02:00', '2018-04-09T18:00:00+02:00')) {
      expect(b.all.codes.outage ?? 0).toBe(0);
      expect(Object.values(b.operations).reduce((n, c) => n + (c.servedBy.counter ?? 0), 0)).toBeGreaterThan(0);
    }
  });

  it('shows the counter down on the status page, and every other channel operational all day', () => {
    const counter = r.channels.counter ?? [];
    expect(counter.find((x) => x.status === 'major_outage')?.at).toBe('2018-04-09T08:30:00.000Z');
    expect(counter.at(-1)?.status).toBe('operational');
    for (const ch of ['atm', 'postage-machine', 'web', 'app']) {
      expect(r.channels[ch]).toEqual([{ at: '2018-04-09T06:00:00.000Z', status: 'operational' }]);
    }
  });
});

describe('transfers-2022-09-15', () => {
  let r: ScenarioReport;
  beforeAll(async () => {
    r = await replay('transfers-2022-09-15');
  });

  it('serves no online transfer for over 24 hours', () => {
    for (const b of within(r, '2022-09-15T10:00:00+02:00', '2022-09-16T18:00:00+02:00')) {
      expect(served(op(b, 'transfer'))).toBe(0);
      expect(op(b, 'transfer').referred).toBeGreaterThan(0);
    }
  });

  it('refers every transfer to 3639 and a post office, never to Wero (2024)', () => {
    const c = r.operations.transfer as Counts;
    const notServed = c.referred + c.uncertain;
    expect(notServed).toBeGreaterThan(1000);
    expect(c.offered['phone-3639']).toBe(notServed);
    expect(c.offered.counter).toBe(notServed);
    expect(c.offered.wero).toBeUndefined();
    expect(c.uncertain).toBe(0);
  });

  it('keeps balances and withdrawals working', () => {
    for (const name of ['balance', 'cash-withdrawal']) {
      const c = r.operations[name] as Counts;
      expect(served(c)).toBe(c.requests);
    }
  });

  it('sends people blocking a card to the 24/7 line', () => {
    const c = r.operations['card-block'] as Counts;
    expect(c.referred).toBeGreaterThan(0);
    expect(c.offered['card-block-line']).toBe(c.referred + c.uncertain);
    expect(c.withOpenAlternative).toBe(c.referred + c.uncertain);
  });

  it('at night, leaves people wanting a transfer with nowhere open to go', () => {
    const [night] = within(r, '2022-09-15T22:00:00+02:00', '2022-09-16T00:00:00+02:00');
    const c = op(night as Bucket, 'transfer');
    expect(c.referred).toBeGreaterThan(0);
    expect(c.withOpenAlternative).toBe(0);
    expect(r.all.shareWithOpenAlternative).toBeLessThan(1);
  });
});

describe('ddos-2025-12', () => {
  let r: ScenarioReport;
  beforeAll(async () => {
    r = await replay('ddos-2025-12');
  });

  it('keeps cash machines serving every withdrawal', () => {
    const c = r.operations['cash-withdrawal'] as Counts;
    expect(c.servedBy.atm).toBe(c.requests);
  });

  it('moves transfers to Wero while the app and websites are down', () => {
    for (const b of within(r, '2025-12-20T11:00:00+01:00', '2025-12-20T14:00:00+01:00')) {
      const c = op(b, 'transfer');
      expect(c.servedBy.app ?? 0).toBe(0);
      expect(c.servedBy.web ?? 0).toBe(0);
      expect(c.servedBy.wero).toBeGreaterThan(0);
      expect(c.uncertain).toBe(0);
    }
    // People without a smartphone: the counter until it closes at noon (a Saturday), then referred.
    const [morning, ...afternoon] = within(r, '2025-12-20T11:00:00+01:00', '2025-12-20T14:00:00+01:00');
    expect(op(morning as Bucket, 'transfer').servedBy.counter).toBeGreaterThan(0);
    for (const b of afternoon) {
      expect(op(b, 'transfer').servedBy.counter ?? 0).toBe(0);
      expect(op(b, 'transfer').referred).toBeGreaterThan(0);
    }
  });

  it('leaves some transfers uncertain only before the breakers open', () => {
    const [first] = within(r, '2025-12-20T10:00:00+01:00', '2025-12-20T11:00:00+01:00');
    expect(r.all.uncertain).toBeGreaterThan(0);
    expect((first as Bucket).all.uncertain).toBe(r.all.uncertain);
    const app = r.failures.find((f) => f.target === 'app');
    expect(app?.detectAfterMs).toBeLessThan(30 * 60_000);
  });

  it('serves from the app again after the attack', () => {
    for (const b of within(r, '2025-12-20T15:00:00+01:00', '2025-12-20T20:00:00+01:00')) {
      expect(op(b, 'transfer').servedBy.app).toBeGreaterThan(0);
    }
  });
});

describe('laposte-fr-2024-02-06', () => {
  let r: ScenarioReport;
  beforeAll(async () => {
    r = await replay('laposte-fr-2024-02-06');
  });

  it('serves no one on the website from 08:00 to 14:30', () => {
    for (const b of within(r, '2024-02-06T08:00:00+01:00', '2024-02-06T14:00:00+01:00')) {
      for (const c of Object.values(b.operations)) expect(c.servedBy.web ?? 0).toBe(0);
    }
    const web = r.channels.web ?? [];
    expect(web.find((x) => x.status === 'major_outage')?.at).toBe('2024-02-06T07:30:00.000Z');
    expect(web.at(-1)?.status).toBe('operational');
  });

  it('posts from home through the app, and at the counter for everyone else', () => {
    for (const b of within(r, '2024-02-06T09:00:00+01:00', '2024-02-06T12:00:00+01:00')) {
      expect(op(b, 'postage').servedBy.app).toBeGreaterThan(0);
      expect(op(b, 'postage').servedBy.counter).toBeGreaterThan(0);
    }
  });

  it('gives no one an uncertain answer', () => {
    expect(r.all.uncertain).toBe(0);
  });
});

describe('runScenario', () => {
  it('gives the same report for the same seed, another for another seed', async () => {
    const a = JSON.stringify(await runScenario(scenarios['laposte-fr-2024-02-06'], { seed: 3 }));
    const b = JSON.stringify(await runScenario(scenarios['laposte-fr-2024-02-06'], { seed: 3 }));
    const c = JSON.stringify(await runScenario(scenarios['laposte-fr-2024-02-06'], { seed: 4 }));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('reports progress once per bucket and restores the real timers', async () => {
    const seen: number[] = [];
    await runScenario(scenarios['laposte-fr-2024-02-06'], { onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(new Date().getFullYear()).toBeGreaterThan(2024);
  });
});

describe('parseScenario', () => {
  const base = scenarios['counters-2018-04-09'] as Record<string, unknown>;

  it('names every problem with its path', () => {
    const error = configError(() =>
      parseScenario({
        ...base,
        end: '2018-04-09T07:00:00+02:00',
        automated: ['counter', 'fax'],
        timeline: [
          { at: '2018-04-09T09:00:00+02:00', do: 'down', channel: 'phone-3639' },
          { at: '2018-04-09T09:00:00+02:00', do: 'flaky', channel: 'counter', rate: 2 },
        ],
        traffic: { perMinute: { tranfser: 1 } },
      }),
    );
    expect(error.issues).toEqual([{ path: 'timeline[1].rate', message: 'must be between 0 and 1' }]);
    const second = configError(() =>
      parseScenario({
        ...base,
        end: '2018-04-09T07:00:00+02:00',
        automated: ['counter', 'fax'],
        timeline: [{ at: '2018-04-09T09:00:00+02:00', do: 'down', channel: 'phone-3639' }],
        traffic: { perMinute: { tranfser: 1 } },
      }),
    );
    expect(second.issues.map((i) => i.path)).toEqual([
      'end',
      'automated[1]',
      'timeline[0].at',
      'timeline[0].channel',
      'traffic.perMinute.tranfser',
    ]);
    expect(second.issues[3]?.message).toMatch(/`phone-3639` has no simulated backend/);
  });

  it('checks a declared outage against the catalogue', () => {
    const error = configError(() =>
      parseScenario({
        ...base,
        timeline: [
          {
            at: '2018-04-09T10:30:00+02:00',
            do: 'declare-outage',
            outage: { id: 'x', systems: ['counter-itt'], reason: 'down' },
          },
        ],
      }),
    );
    expect(error.issues[0]).toMatchObject({ path: 'timeline[0].outage.systems[0]' });
  });

  it('reads JSON text and rejects an unknown preset', () => {
    expect(parseScenario(JSON.stringify(base)).name).toBe('counters-2018-04-09');
    expect(configError(() => parseScenario({ ...base, catalog: 'la-posté' })).issues[0]?.path).toBe('catalog');
    expect(configError(() => parseScenario('{')).issues[0]?.message).toMatch(/not valid JSON/);
  });
});
