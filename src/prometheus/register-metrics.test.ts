import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { configError } from '../../test/helpers/config-error.js';
import { NotExecutedError } from '../errors.js';
import { laPoste } from '../presets/la-poste.js';
import { createRouter } from '../router.js';
import { registerMetrics } from './register-metrics.js';

function setup(prefix?: string) {
  let appFails = false;
  const router = createRouter({
    catalog: laPoste,
    handlers: {
      balance: {
        app: async () => {
          if (appFails) throw new NotExecutedError('app down');
          return 1;
        },
      },
      transfer: { app: async () => Promise.reject(new Error('unknown state')) },
    },
    breaker: { volumeThreshold: 100 },
  });
  const registry = new Registry();
  const unregister = registerMetrics(router, { registry, ...(prefix === undefined ? {} : { prefix }) });
  return { router, registry, unregister, failApp: () => (appFails = true) };
}

/** The value of one sample line of the text exposition. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('registerMetrics', () => {
  it('counts outcomes, attempts, referrals and outages from real traffic, read by a scrape', async () => {
    const { router, registry, unregister, failApp } = setup();
    cleanup = () => router.dispose();
    await router.execute('balance', {});
    await router.execute('balance', {});
    failApp();
    await router.execute('balance', {}, { locale: 'en' });
    await router.execute('transfer', {});
    router.declareOutage({ channels: ['counter'], reason: 'counters down' });
    router.declareOutage({ channels: ['web'], reason: 'upgrade', kind: 'maintenance', from: Date.now() + 3_600_000 });

    const text = await registry.metrics();
    expect(sample(text, 'secours_outcomes_total{operation="balance",kind="served",channel="app"}')).toBe(2);
    expect(sample(text, 'secours_outcomes_total{operation="balance",kind="referred",channel="none"}')).toBe(1);
    expect(sample(text, 'secours_outcomes_total{operation="transfer",kind="uncertain",channel="app"}')).toBe(1);
    expect(
      sample(text, 'secours_attempt_duration_seconds_count{operation="balance",channel="app",result="success"}'),
    ).toBe(2);
    expect(
      sample(text, 'secours_attempt_duration_seconds_count{operation="balance",channel="app",result="not-executed"}'),
    ).toBe(1);
    // The balance referral offered the web, the counter and the phone line.
    expect(sample(text, 'secours_referrals_total{operation="balance",channel="phone-3639"}')).toBe(1);
    expect(sample(text, 'secours_referrals_total{operation="balance",channel="app"}')).toBeUndefined();
    expect(sample(text, 'secours_outages{kind="outage"}')).toBe(1);
    expect(sample(text, 'secours_outages{kind="maintenance"}')).toBe(1);
    expect(sample(text, 'secours_route_up{operation="balance",channel="app"}')).toBe(1);
    expect(sample(text, 'secours_route_up{operation="balance",channel="counter"}')).toBe(0);
    expect(sample(text, 'secours_route_up{operation="stamp-purchase",channel="postage-machine"}')).toBe(1);

    // Every label value is an id from the catalogue, or `none`.
    const ids = new Set([...Object.keys(laPoste.channels), ...Object.keys(laPoste.operations), 'none']);
    for (const [, key, value] of text.matchAll(/(operation|channel)="([^"]*)"/g)) {
      expect(ids, `${key}`).toContain(value);
    }

    unregister();
    expect((await registry.metrics()).trim()).toBe('');
    await router.execute('balance', {});
  });

  it('counts probe runs per channel and result', async () => {
    const { useVirtualTime } = await import('../testing/virtual-time.js');
    const time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
    let webUp = false;
    const router = createRouter({
      catalog: laPoste,
      clock: time.clock,
      probe: { intervalMs: 1_000 },
      probes: { web: () => (webUp ? undefined : Promise.reject(new Error('down'))) },
    });
    cleanup = () => {
      router.dispose();
      time.uninstall();
    };
    const registry = new Registry();
    registerMetrics(router, { registry });
    await time.advance(2_000);
    webUp = true;
    await time.advance(1_000);
    const text = await registry.metrics();
    expect(sample(text, 'secours_probes_total{channel="web",result="failed"}')).toBe(2);
    expect(sample(text, 'secours_probes_total{channel="web",result="ok"}')).toBe(1);
  });

  it('takes a prefix and refuses invalid options or a name already taken', () => {
    const { router, registry } = setup('shop_');
    cleanup = () => router.dispose();
    expect(registry.getSingleMetric('shop_outcomes_total')).toBeDefined();
    const taken = configError(() => registerMetrics(router, { registry, prefix: 'shop_' }));
    expect(taken.issues.map((i) => i.message)).toContain('a metric named shop_route_up is already registered');
    const bad = configError(() =>
      // @ts-expect-error not a registry
      registerMetrics(router, { registry: {}, prefix: 'no spaces', buckets: [] }),
    );
    expect(bad.issues.map((i) => i.path)).toEqual(['registry', 'prefix', 'buckets']);
  });
});
