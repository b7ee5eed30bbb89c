// Policies meeting the bulkhead: a call waiting in a full route's queue is still bound by its
// deadline, and a hedge that has to wait for a slot never leaks the slot when the call is over.
// Virtual time throughout.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { defineCatalog } from './catalog.js';
import type { HandlerContext } from './handlers.js';
import type { Outcome } from './outcome.js';
import { createRouter } from './router.js';
import { sleep } from './testing/sleep.js';
import { useVirtualTime, type VirtualTime } from './testing/virtual-time.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'app' },
    web: { kind: 'digital', label: 'web' },
    phone: { kind: 'phone', label: 'phone', contact: { phone: '3639' } },
  },
  operations: {
    balance: {
      label: 'Balance',
      idempotent: true,
      routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }],
    },
    transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'phone' }] },
  },
});

let time: VirtualTime | undefined;
afterEach(() => time?.uninstall());

describe('a call waiting in a bulkhead queue', () => {
  it('ends at its deadline: it leaves the queue, is referred `deadline`, and the slot still works', async () => {
    time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
    let running = 0;
    const router = createRouter({
      catalog,
      clock: time.clock,
      breaker: { maxConcurrent: 1, maxQueued: 1, timeout: false },
      handlers: {
        transfer: {
          app: async (_input: unknown, ctx: HandlerContext) => {
            running++;
            try {
              return await sleep(10_000, ctx.signal);
            } finally {
              running--;
            }
          },
        },
      },
    });
    const first = router.execute('transfer', {});
    const second = router.execute('transfer', {}, { timeoutMs: 1_000 });
    await time.advance(1_000);
    const waited = await second;
    expect(waited.kind).toBe('referred');
    expect(waited.kind === 'referred' && waited.code).toBe('deadline');
    // It never ran: the first still holds the only slot.
    expect(running).toBe(1);
    await time.advance(10_000);
    expect((await first).kind).toBe('served');
    // The queue place it held was given up: a third call takes the free slot at once.
    const third = router.execute('transfer', {});
    expect(running).toBe(1);
    await time.advance(10_000);
    expect((await third).kind).toBe('served');
    router.dispose();
  });

  it('random worlds: deadlines, hedges and a bulkhead never run more than maxConcurrent, and every call ends once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          max: fc.integer({ min: 1, max: 3 }),
          queued: fc.integer({ min: 0, max: 3 }),
          calls: fc.array(
            fc.record({
              timeoutMs: fc.option(fc.integer({ min: 1, max: 5_000 }), { nil: undefined }),
              op: fc.constantFrom('balance' as const, 'transfer' as const),
            }),
            { minLength: 1, maxLength: 12 },
          ),
          work: fc.array(fc.integer({ min: 0, max: 4_000 }), { minLength: 1, maxLength: 8 }),
          hedgeAfter: fc.integer({ min: 1, max: 2_000 }),
        }),
        async ({ max, queued, calls, work, hedgeAfter }) => {
          const t = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
          try {
            // Per route (operation and channel): a bulkhead is per route, as the breaker is.
            const inFlight: Record<string, number> = { 'balance/app': 0, 'balance/web': 0, 'transfer/app': 0 };
            let peak = 0;
            let n = 0;
            const runs: Record<string, number> = {};
            const handler = (channel: 'app' | 'web') => async (_input: unknown, ctx: HandlerContext) => {
              runs[ctx.idempotencyKey] = (runs[ctx.idempotencyKey] ?? 0) + (ctx.operation === 'transfer' ? 1 : 0);
              const route = `${ctx.operation}/${channel}`;
              inFlight[route] = (inFlight[route] ?? 0) + 1;
              peak = Math.max(peak, inFlight[route] ?? 0);
              try {
                return await sleep(work[n++ % work.length] ?? 0, ctx.signal);
              } finally {
                inFlight[route] = (inFlight[route] ?? 0) - 1;
              }
            };
            const router = createRouter({
              catalog,
              clock: t.clock,
              breaker: { maxConcurrent: max, maxQueued: queued, timeout: false, volumeThreshold: 1_000 },
              policies: { balance: { hedge: { afterMs: hedgeAfter } } },
              handlers: { balance: { app: handler('app'), web: handler('web') }, transfer: { app: handler('app') } },
            });
            const ended: Outcome[] = [];
            const all = calls.map((c) =>
              router
                .execute(c.op, {}, c.timeoutMs === undefined ? {} : { timeoutMs: c.timeoutMs })
                .then((o) => ended.push(o)),
            );
            // Queued calls wait behind up to 12 × 4 s of work: time moves on until all have ended
            // (bounded: a call still pending after that is a call that never ends).
            for (let step = 0; step < 20 && ended.length < calls.length; step++) await t.advance(10_000);
            expect(ended).toHaveLength(calls.length);
            await Promise.all(all);
            expect(ended).toHaveLength(calls.length);
            expect(peak).toBeLessThanOrEqual(max);
            expect(inFlight).toEqual({ 'balance/app': 0, 'balance/web': 0, 'transfer/app': 0 });
            // A non-idempotent operation ran at most once per call.
            for (const count of Object.values(runs)) expect(count).toBeLessThanOrEqual(1);
            // Nothing is left holding a slot: `max` calls start at once again.
            const again = Array.from({ length: max }, () => router.execute('transfer', {}));
            expect(inFlight['transfer/app']).toBe(max);
            await t.advance(10_000);
            for (const o of await Promise.all(again)) expect(o.kind).toBe('served');
            router.dispose();
          } finally {
            t.uninstall();
          }
        },
      ),
      { numRuns: 60, seed: 20261201 },
    );
  });
});
