import type { ScenarioInput } from '../scenario.js';

/**
 * Not a real incident: the shape of one at low traffic. Five requests a minute (a small
 * service, or the night), with the router's own default breaker: its window of 10 s never
 * holds 5 calls, so only `breaker.consecutiveFailures` and probes can see a failure. The app
 * goes down at 10:00, the website hangs from 10:30; the app is back at 11:00, the website at 11:30.
 */
export const lowTraffic = {
  name: 'low-traffic',
  title: 'Low traffic (5 requests a minute): the app down, then the website hanging',
  description:
    'Transfers (3 a minute) and balances (2 a minute) with the default breaker (5 calls in a 10 s window). The app is down 10:00–11:00 and the website hangs 10:30–11:30. Probes on both, every 30 s.',
  sources: [],
  catalog: 'la-poste',
  start: '2026-01-05T09:00:00+01:00',
  end: '2026-01-05T12:30:00+01:00',
  timeZone: 'Europe/Paris',
  bucketMinutes: 30,
  seed: 1,
  automated: ['app', 'web'],
  // The router's defaults, not the replays' long window: that is what a new user runs.
  breaker: { volumeThreshold: 5, rollingCountTimeout: 10_000, rollingCountBuckets: 10, resetTimeout: 30_000 },
  probes: ['app', 'web'],
  probe: { intervalMs: 30_000, timeoutMs: 5_000 },
  timeline: [
    { at: '2026-01-05T10:00:00+01:00', do: 'down', channel: 'app', note: 'the app is down' },
    { at: '2026-01-05T10:30:00+01:00', do: 'hang', channel: 'web', note: 'the website hangs' },
    { at: '2026-01-05T11:00:00+01:00', do: 'up', channel: 'app', note: 'the app is back' },
    { at: '2026-01-05T11:30:00+01:00', do: 'up', channel: 'web', note: 'the website is back' },
  ],
  traffic: {
    perMinute: { transfer: 3, balance: 2 },
    exclude: ['wero'],
    amounts: { transfer: 150 },
    locale: 'en',
  },
} satisfies ScenarioInput;
