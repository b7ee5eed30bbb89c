import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { formatProbeComparison } from './probe-comparison.js';
import { runScenario } from './run-scenario.js';
import { parseScenario } from './scenario.js';
import { scenarios } from './scenarios/index.js';

describe('replays with probes', () => {
  it('the low-traffic scenario (5 a minute) is a named scenario with probes on app and web', () => {
    const s = parseScenario(scenarios['low-traffic']);
    expect(s.probes).toEqual(['app', 'web']);
    expect(Object.values(s.traffic.perMinute).reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('at low traffic, probes detect the dead app sooner and leave fewer people uncertain', async () => {
    const withProbes = await runScenario(scenarios['low-traffic']);
    const without = await runScenario(scenarios['low-traffic'], { probes: false });
    const app = (r: typeof withProbes) => r.failures.find((f) => f.target === 'app');
    expect(app(withProbes)?.detectAfterMs).toBeDefined();
    expect(app(withProbes)?.detectAfterMs as number).toBeLessThan(app(without)?.detectAfterMs as number);
    expect(withProbes.all.uncertain).toBeLessThan(without.all.uncertain);
    // The website recovered with no traffic on it (the app serves again): the probe says so.
    expect(withProbes.channels.web?.at(-1)?.status).toBe('operational');
    const text = formatProbeComparison(withProbes, without, ['app', 'web']);
    expect(text).toMatch(/^Probes on app, web: detection and recovery, with probes \/ without\n/);
    expect(text).toContain(`  uncertain outcomes: ${withProbes.all.uncertain} / ${without.all.uncertain}`);
  });

  it('a replay with probes is repeatable: the same seed, the same bytes', async () => {
    const a = JSON.stringify(await runScenario(scenarios['low-traffic'], { seed: 2 }));
    const b = JSON.stringify(await runScenario(scenarios['low-traffic'], { seed: 2 }));
    expect(a).toBe(b);
  });

  it('refuses a probe on an unknown channel or one without a simulated backend, with its path', () => {
    let error: unknown;
    try {
      parseScenario({ ...(scenarios['low-traffic'] as object), probes: ['nope', 'counter'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['probes[0]', 'probes[1]']);
  });
});
