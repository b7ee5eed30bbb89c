import { beforeAll, describe, expect, it } from 'vitest';
import { availability } from '../src/index.js';
import { laPoste } from '../src/presets/la-poste.js';
import { type DemoSummary, runDemo } from './demo/replay-2018.js';
import { customers, DECLARED_AT, TERMINALS_BACK, TERMINALS_DOWN } from './demo/timeline.js';

async function run(): Promise<{ lines: string[]; summary: DemoSummary }> {
  const lines: string[] = [];
  const summary = await runDemo({ write: (line) => lines.push(line) });
  return { lines, summary };
}

describe('replay of 9 April 2018', () => {
  let first: { lines: string[]; summary: DemoSummary };
  let realBefore: number;

  beforeAll(async () => {
    realBefore = Date.now();
    first = await run();
  });

  it('runs in virtual time and leaves the real clock alone', () => {
    // fake-timers uninstalled: Date is real again, not 2018.
    expect(Math.abs(Date.now() - realBefore)).toBeLessThan(60_000);
    expect(first.summary.customers).toHaveLength(customers.length);
  });

  it('sends no one to the counter between its breaker opening and 15:00', () => {
    const { customers: records, breakerEvents } = first.summary;
    const opened = new Map<string, number>();
    for (const e of breakerEvents) {
      if (e.channel === 'counter' && e.state === 'open' && !opened.has(e.operation)) {
        opened.set(e.operation, Date.parse(e.at));
      }
    }
    // The story needs breakers to have opened before the operator declared the outage.
    expect(opened.size).toBeGreaterThan(0);
    for (const t of opened.values()) expect(t).toBeLessThan(DECLARED_AT);

    for (const rec of records) {
      const t = Date.parse(rec.at);
      if (t >= TERMINALS_BACK) continue;
      const since = Math.min(opened.get(rec.operation) ?? Number.POSITIVE_INFINITY, DECLARED_AT);
      if (t < since) continue;
      expect({ name: rec.name, counterTried: rec.counterTried }).toEqual({ name: rec.name, counterTried: false });
      expect(rec.channel).not.toBe('counter');
    }
    // No one at all is served by the counter while the terminals are down.
    for (const rec of records) {
      const t = Date.parse(rec.at);
      if (t >= TERMINALS_DOWN && t < TERMINALS_BACK) expect(rec.channel).not.toBe('counter');
    }
    expect(first.summary.counterDuringOutage.afterBreakerOrDeclaration).toBe(0);
  });

  it('declares the outage at 10:30 and lets it expire by itself at 15:00', () => {
    const { outageEvents } = first.summary;
    expect(outageEvents.map((e) => [e.type, e.at])).toEqual([
      ['declared', new Date(DECLARED_AT).toISOString()],
      ['started', new Date(DECLARED_AT).toISOString()],
      ['ended', new Date(TERMINALS_BACK).toISOString()],
    ]);
  });

  it('serves or offers the ATM to every cash-withdrawal customer during the outage', () => {
    const withdrawals = first.summary.customers.filter((rec) => {
      const t = Date.parse(rec.at);
      return rec.operation === 'cash-withdrawal' && t >= TERMINALS_DOWN && t < TERMINALS_BACK;
    });
    expect(withdrawals.length).toBeGreaterThan(0);
    for (const rec of withdrawals) {
      expect(rec.channel === 'atm' || rec.alternatives.includes('atm')).toBe(true);
    }
  });

  it('serves at the counter again after 15:00', () => {
    const after = first.summary.customers.filter((rec) => Date.parse(rec.at) >= TERMINALS_BACK);
    const counterFirst = ['stamp-purchase', 'postage', 'registered-mail-pickup', 'cash-deposit'];
    const openHours = after.filter(
      (rec) =>
        counterFirst.includes(rec.operation) &&
        availability(laPoste.channels.counter.hours, Date.parse(rec.at)).openNow,
    );
    expect(openHours.length).toBeGreaterThanOrEqual(4);
    for (const rec of openHours) {
      expect(rec).toMatchObject({ kind: 'served', channel: 'counter', degraded: false });
    }
    // Each counter breaker that opened is closed again by a trial call after 15:00.
    const opened = new Set(
      first.summary.breakerEvents.filter((e) => e.state === 'open').map((e) => `${e.operation}/${e.channel}`),
    );
    const closed = new Set(
      first.summary.breakerEvents
        .filter((e) => e.state === 'closed' && Date.parse(e.at) >= TERMINALS_BACK)
        .map((e) => `${e.operation}/${e.channel}`),
    );
    expect(closed).toEqual(opened);
  });

  it('ends every customer in exactly one outcome, printed once', () => {
    const { customers: records, periods } = first.summary;
    for (const rec of records) expect(['served', 'referred', 'uncertain']).toContain(rec.kind);
    const total = Object.values(periods).reduce(
      (n, p) => n + p.servedFirstRoute + p.servedDegraded + p.referred + p.uncertain,
      0,
    );
    expect(total).toBe(customers.length);
    for (const p of Object.values(periods)) {
      expect(p.servedFirstRoute + p.servedDegraded + p.referred + p.uncertain).toBe(p.customers);
    }
    // One headline per customer: "HH:MM  Name (locale) — …".
    const headlines = first.lines.filter((line) => /^\d\d:\d\d {2}\S+ \((fr|en)\) — /.test(line));
    expect(headlines).toHaveLength(customers.length);
    // Non-idempotent calls that failed at the counter failed over: nothing is left uncertain here.
    expect(records.filter((rec) => rec.kind === 'uncertain')).toEqual([]);
  });

  it('prints referrals with phone numbers and opening times, in the customer language', () => {
    const text = first.lines.join('\n');
    expect(text).toContain("tél. 3631 — ouvert jusqu'à 19:00");
    expect(text).toContain('tel. 3631 — open until 19:00');
    // Monday evening: the counter opens the next morning.
    expect(text).toContain('ouvre demain à 09:00');
    expect(text).toContain('tél. 3639 — ouvert jusqu');
    expect(text.includes('\u001b[')).toBe(false); // no colour unless asked
    expect(text).not.toMatch(/counter-it: terminal|Error:/); // no internal error message
  });

  it('prints the same thing on every run', async () => {
    const second = await run();
    expect(second.lines).toEqual(first.lines);
    expect(second.summary).toEqual(first.summary);
  });
});
