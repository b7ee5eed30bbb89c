// The referral's alternatives show each channel's status as the snapshot shows it, although the
// referral computes it for that channel alone instead of recomputing the snapshot mid-call.
import { describe, expect, it } from 'vitest';
import { defineCatalog } from '../catalog.js';
import type { Referred } from '../outcome.js';
import { createRouter } from '../router.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: { fr: "l'appli", en: 'the app' } },
    web: { kind: 'digital', label: { fr: 'le site', en: 'the website' } },
    phone: { kind: 'phone', label: { fr: 'le 3639', en: '3639' }, contact: { phone: '3639' } },
  },
  operations: {
    // The web is down for `pay`; `look` still has it: the web channel is partly down.
    pay: { label: 'Pay', idempotent: true, routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }] },
    look: { label: 'Look', idempotent: true, routes: [{ channel: 'web' }, { channel: 'phone' }] },
  },
});

describe('a referral', () => {
  it("shows each alternative with its channel's status, the snapshot's, from a change made in the same call", async () => {
    const router = createRouter({
      catalog,
      handlers: { pay: { app: () => Promise.reject(new Error('down')) } },
      breaker: { volumeThreshold: 1, resetTimeout: 3_600_000 },
    });
    router.setRemoteDown('feed', [{ operation: 'pay', channel: 'web' }]);
    // The app's breaker opens during this very call.
    const outcome = (await router.execute('pay', {})) as Referred;
    expect(outcome.kind).toBe('referred');
    const snapshot = router.getSnapshot();
    expect(snapshot.channels.app.status).toBe('major_outage');
    expect(snapshot.channels.web.status).toBe('partial_outage');
    expect(outcome.alternatives.map((a) => [a.channel, a.status])).toEqual([['phone', snapshot.channels.phone.status]]);
    const look = router.plan('look');
    expect(look.alternatives.map((a) => [a.channel, a.status])).toEqual([
      ['web', 'partial_outage'],
      ['phone', 'operational'],
    ]);
    router.dispose();
  });
});
