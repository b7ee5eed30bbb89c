// Property: with probes on a channel, no non-idempotent call is ever sent to a route of it whose
// breaker is half-open (fast-check, seeded, bounded; every run in virtual time).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineCatalog } from '../catalog.js';
import { createRouter } from '../router.js';
import { useVirtualTime } from './virtual-time.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'app' },
    web: { kind: 'digital', label: 'web' },
    phone: { kind: 'phone', label: 'phone', contact: { phone: '3639' } },
  },
  operations: {
    transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }] },
    balance: {
      label: 'Balance',
      idempotent: true,
      routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }],
    },
  },
});

type Step =
  | { do: 'call'; op: 'transfer' | 'balance' }
  | { do: 'toggle'; channel: 'app' | 'web' }
  | { do: 'toggle-probe'; channel: 'app' | 'web' }
  | { do: 'advance'; ms: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ do: fc.constant('call' as const), op: fc.constantFrom('transfer', 'balance') }) },
  { weight: 2, arbitrary: fc.record({ do: fc.constant('toggle' as const), channel: fc.constantFrom('app', 'web') }) },
  {
    weight: 1,
    arbitrary: fc.record({ do: fc.constant('toggle-probe' as const), channel: fc.constantFrom('app', 'web') }),
  },
  { weight: 3, arbitrary: fc.record({ do: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 8_000 }) }) },
);

describe('probes (fast-check, seed 20261201, 100 cases)', () => {
  it('no non-idempotent call is ever sent to a half-open route of a probed channel', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 30, maxLength: 80 }),
        fc.subarray(['app', 'web']),
        fc.integer({ min: 0, max: 1_500 }),
        async (steps, initiallyDown, latency) => {
          const time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
          const down = new Set<string>(initiallyDown);
          const probeDown = new Set<string>();
          const state = new Map<string, string>();
          const violations: string[] = [];
          const handler = (channel: string) => (_input: unknown, ctx: { operation: string }) => {
            const s = state.get(`${ctx.operation}/${channel}`);
            if (ctx.operation === 'transfer' && s === 'half-open')
              violations.push(`transfer sent to half-open ${channel}`);
            const fails = down.has(channel);
            return new Promise((resolve, reject) =>
              setTimeout(() => (fails ? reject(new Error('down')) : resolve(channel)), latency),
            );
          };
          const probe = ({ channel }: { channel: string }) =>
            down.has(channel) || probeDown.has(channel) ? Promise.reject(new Error('down')) : undefined;
          const router = createRouter({
            catalog,
            clock: time.clock,
            breaker: { timeout: 2_000, resetTimeout: 5_000 },
            probe: { intervalMs: 25_000, timeoutMs: 1_000 },
            probes: { app: probe, web: probe },
            handlers: {
              transfer: { app: handler('app'), web: handler('web') },
              balance: { app: handler('app'), web: handler('web') },
            },
          });
          router.on('breaker', (e) => state.set(`${e.operation}/${e.channel}`, e.state));
          const pending: Promise<unknown>[] = [];
          try {
            for (const step of steps) {
              if (step.do === 'call') pending.push(router.execute(step.op, {}));
              else if (step.do === 'toggle')
                down.has(step.channel) ? down.delete(step.channel) : down.add(step.channel);
              else if (step.do === 'toggle-probe')
                probeDown.has(step.channel) ? probeDown.delete(step.channel) : probeDown.add(step.channel);
              else await time.advance(step.ms);
            }
            await time.advance(5_000);
            await Promise.all(pending);
          } finally {
            router.dispose();
            time.uninstall();
          }
          expect(violations).toEqual([]);
        },
      ),
      { seed: 20261201, numRuns: 100 },
    );
  });
});
