// A hedge waiting in a full bulkhead's queue while its call's first run fails: the queued hedge
// is the call's next step, so nothing else drives the call meanwhile. Before, the call went on
// (a retry's wait) and was woken again by the queue later: a retry ran before the backend's
// Retry-After, and a cancelled call never ended. Virtual time throughout.
import { afterEach, describe, expect, it } from 'vitest';
import { defineCatalog } from './catalog.js';
import { NotExecutedError, RetryAfterError } from './errors.js';
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
  },
});

let time: VirtualTime | undefined;
/** A backend that ignores the call's signal. */
const deaf = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
afterEach(() => time?.uninstall());

/** app fails at 50 ms asking for 200 ms, then hangs (ignoring its signal); web is held 100 ms by another call. */
function world(withDeadline: boolean) {
  time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
  const t0 = time.now();
  const appStarts: number[] = [];
  const clock = time;
  const router = createRouter({
    catalog,
    clock: time.clock,
    breaker: { maxConcurrent: 1, maxQueued: 5, timeout: false },
    policies: {
      balance: {
        hedge: { afterMs: 10 },
        retry: { maxRetries: 1, baseMs: 100, maxMs: 1_000 },
        ...(withDeadline && { timeoutMs: 500 }),
      },
    },
    handlers: {
      balance: {
        app: async () => {
          appStarts.push(clock.now() - t0);
          if (appStarts.length === 1) {
            await deaf(50);
            throw new RetryAfterError(200);
          }
          return deaf(100_000);
        },
        web: (input: unknown, ctx: HandlerContext) =>
          sleep((input as { who: string }).who === 'holder' ? 100 : 100_000, ctx.signal),
      },
    },
  });
  const holder = router.execute('balance', { who: 'holder' }, { exclude: ['app'] });
  return { router, holder, appStarts, t0 };
}

describe('a hedge queued for a slot when the first run fails', () => {
  it('never runs a retry before the Retry-After asked for', async () => {
    const { holder, appStarts, router } = world(true);
    const x = router.execute('balance', { who: 'x' });
    await (time as VirtualTime).advance(2_000);
    await holder;
    const outcome = await x;
    expect(outcome.kind).toBe('referred');
    // app's second run, if any, comes no sooner than 50 + 200 ms.
    for (const at of appStarts.slice(1)) expect(at).toBeGreaterThanOrEqual(250);
  });

  it('a cancelled call ends at once, its runs aborted', async () => {
    const { holder, router, t0 } = world(false);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 120);
    let endedAt: number | undefined;
    const x = router.execute('balance', { who: 'x' }, { signal: ac.signal }).then((o: Outcome) => {
      endedAt = (time as VirtualTime).now() - t0;
      return o;
    });
    await (time as VirtualTime).advance(2_000);
    await holder;
    expect(endedAt).toBe(120);
    const outcome = await x;
    expect(outcome.kind === 'referred' && outcome.code).toBe('cancelled');
  });
});

describe('a retry of the first route after its hedge failed', () => {
  it('does not run the hedged route again, before its Retry-After and past its retries', async () => {
    time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
    const clock = time;
    const t0 = time.now();
    const webStarts: number[] = [];
    const router = createRouter({
      catalog,
      clock: time.clock,
      policies: { balance: { hedge: { afterMs: 10 }, retry: { maxRetries: 1, baseMs: 0, jitter: 'none' } } },
      handlers: {
        balance: {
          app: async () => {
            await deaf(50);
            throw new Error('down');
          },
          web: async () => {
            webStarts.push(clock.now() - t0);
            throw new NotExecutedError('busy', { retryAfterMs: 200 });
          },
        },
      },
    });
    const call = router.execute('balance', {});
    await time.advance(1_000);
    const outcome = await call;
    expect(outcome.kind).toBe('referred');
    // web ran once, as app's hedge; app's retry then went on to the phone, not to web again at 100 ms.
    expect(webStarts).toEqual([10]);
    expect(
      outcome.attempts.map((a) => [
        a.channel,
        a.result,
        ('retry' in a && a.retry) || 0,
        ('hedge' in a && a.hedge) || false,
      ]),
    ).toEqual([
      ['web', 'not-executed', 0, true],
      ['app', 'failure', 0, false],
      ['app', 'failure', 1, false],
    ]);
  });
});

describe('a hedge still queued when its call is served', () => {
  it('leaves the queue: its place goes to the next call, not held by a call that is over', async () => {
    time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
    const router = createRouter({
      catalog,
      clock: time.clock,
      breaker: { maxConcurrent: 1, maxQueued: 1, timeout: false },
      policies: { balance: { hedge: { afterMs: 10 } } },
      handlers: {
        balance: {
          app: () => deaf(50).then(() => 'app'),
          // The holder's web run never ends: only a queue place frees.
          web: (input: unknown, ctx: HandlerContext) =>
            (input as { who: string }).who === 'holder'
              ? new Promise(() => {})
              : sleep(1, ctx.signal).then(() => 'web'),
        },
      },
    });
    void router.execute('balance', { who: 'holder' }, { exclude: ['app'] });
    const served = router.execute('balance', { who: 'x' });
    await time.advance(100);
    expect((await served).kind).toBe('served');
    const ac = new AbortController();
    const next = router.execute('balance', { who: 'y' }, { exclude: ['app'], signal: ac.signal });
    await time.advance(10);
    ac.abort();
    const outcome = await next;
    // It waited in web's queue (then was cancelled), rather than being turned away as busy.
    expect(outcome.attempts.map((a) => [a.channel, a.result])).not.toContainEqual(['web', 'skipped']);
    expect(outcome.kind === 'referred' && outcome.code).toBe('cancelled');
  });
});
