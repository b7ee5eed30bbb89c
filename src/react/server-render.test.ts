// On the server, React reads each hook's server snapshot (renderToString throws "Missing
// getServerSnapshot" without one) and subscribes to nothing: no timer is left behind.
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, expect, it } from 'vitest';
import { defineCatalog } from '../catalog.js';
import { createStatusClient, type EventSourceLike, type StatusClient } from '../http/status-client.js';
import { createRouter, type Router } from '../router.js';
// Not a React hook, whatever its name says.
import { type VirtualTime, useVirtualTime as virtualTime } from '../testing/virtual-time.js';
import { usePlan, useRouterStatus, useStatusFeed } from './index.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'app' },
    phone: {
      kind: 'phone',
      label: '3639',
      hours: { timeZone: 'Europe/Paris', weekly: { mon: ['08:00-20:00'] } },
    },
  },
  operations: { balance: { label: 'Balance', idempotent: true, routes: [{ channel: 'app' }, { channel: 'phone' }] } },
});

class SilentEventSource {
  addEventListener() {}
  close() {}
}

function Page({ router, client }: { router: Router<typeof catalog>; client: StatusClient }) {
  const status = useRouterStatus(router);
  const plan = usePlan(router, 'balance', { locale: 'en' });
  const feed = useStatusFeed(client);
  return h('p', null, `${status.operations.balance.status} ${plan.willTry.join()} ${feed.connection}`);
}

let time: VirtualTime | undefined;
afterEach(() => time?.uninstall());

it('renders on the server from each hook’s server snapshot, and leaves no timer', () => {
  time = virtualTime({ now: '2026-01-05T18:00:00Z' });
  const router = createRouter({ catalog, clock: time.clock, handlers: { balance: { app: () => 1 } } });
  const client = createStatusClient('/status', { EventSource: SilentEventSource as unknown as EventSourceLike });
  const before = time.pendingTimers();
  expect(renderToString(h(Page, { router, client }))).toBe('<p>operational app connecting</p>');
  expect(time.pendingTimers()).toBe(before);
  client.close();
  router.dispose();
});
