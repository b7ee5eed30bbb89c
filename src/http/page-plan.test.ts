// A page's plan is true: a router with no handlers, mirrored from a server's status feed, plans
// as the server's router would.
import { afterEach, describe, expect, it } from 'vitest';
import { laPoste } from '../presets/la-poste.js';
import { createRouter } from '../router.js';
import type { Snapshot } from '../snapshot.js';
import { useVirtualTime, type VirtualTime } from '../testing/virtual-time.js';
import { connectStatus } from './connect-status.js';

let time: VirtualTime | undefined;
afterEach(() => time?.uninstall());

function setup() {
  // A weekday at 11:00 in Paris: every office is open.
  time = useVirtualTime({ now: '2026-01-06T10:00:00Z' });
  const down = new Set<string>();
  const handler = (channel: string) => () => (down.has(channel) ? Promise.reject(new Error('down')) : channel);
  const server = createRouter({
    catalog: laPoste,
    clock: time.clock,
    handlers: {
      transfer: { app: handler('app'), web: handler('web') },
      balance: { app: handler('app'), web: handler('web') },
    },
  });
  const page = createRouter({ catalog: laPoste, clock: time.clock });
  // What the page gets: the snapshot as JSON, over the wire.
  const listeners = new Set<() => void>();
  let wire: Snapshot = JSON.parse(JSON.stringify(server.getSnapshot()));
  server.subscribe(() => {
    wire = JSON.parse(JSON.stringify(server.getSnapshot()));
    for (const l of listeners) l();
  });
  const stop = connectStatus(page, {
    getSnapshot: () => ({ snapshot: wire }),
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  });
  return { server, page, down, stop, time };
}

describe('a page mirrored from a feed plans as the server would', () => {
  it('when the first route works: no manual referral, the same routes to try', () => {
    const { server, page, stop } = setup();
    const onServer = server.plan('transfer', { locale: 'en' });
    const onPage = page.plan('transfer', { locale: 'en' });
    expect(onServer.willTry).toEqual(['app', 'web']);
    expect(onPage.willTry).toEqual(onServer.willTry);
    expect(onPage.code).toBeUndefined();
    expect(onPage.reason).toBeUndefined();
    expect(onPage.alternatives.map((a) => a.channel)).toEqual(onServer.alternatives.map((a) => a.channel));
    expect(page.getSnapshot().operations.transfer).toEqual(server.getSnapshot().operations.transfer);
    stop();
    server.dispose();
    page.dispose();
  });

  it('when the server cannot run its routes, the page says so with the server’s code', async () => {
    const { server, page, down, stop, time } = setup();
    down.add('app');
    for (let i = 0; i < 3; i++) await time.settle(server.execute('balance', {}));
    await time.advance(0);
    expect(page.plan('balance').willTry).toEqual(['web']);
    down.add('web');
    for (let i = 0; i < 3; i++) await time.settle(server.execute('balance', {}));
    await time.advance(0);
    const onServer = server.plan('balance', { locale: 'en' });
    const onPage = page.plan('balance', { locale: 'en' });
    expect(onServer.willTry).toEqual([]);
    expect(onPage.willTry).toEqual([]);
    expect(onServer.code).toBe('unavailable');
    expect(onPage.code).toBe('unavailable');
    expect(onPage.alternatives.map((a) => a.channel)).toEqual(onServer.alternatives.map((a) => a.channel));
    stop();
    // Stopped: the page knows nothing of the server any more.
    expect(page.plan('balance').code).toBe('manual');
    server.dispose();
    page.dispose();
  });

  it('setRemoteAutomated checks every route first, and never makes execute run anything', async () => {
    const page = createRouter({ catalog: laPoste });
    expect(() => page.setRemoteAutomated([{ operation: 'transfer', channel: 'nope' } as never])).toThrow(/routes\[0\]/);
    page.setRemoteAutomated([{ operation: 'transfer', channel: 'app' }]);
    expect(page.plan('transfer').willTry).toEqual(['app']);
    const outcome = await page.execute('transfer', {});
    expect(outcome.kind).toBe('referred');
    expect(outcome.attempts).toEqual([]);
    page.dispose();
  });
});
