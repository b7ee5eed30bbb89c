// The probes of a replay: what a health check of each probed channel sees of the chaos.
import type { Probe } from '../probe-options.js';
import type { ChaosController } from './chaos.js';
import type { Scenario } from './scenario.js';
import { sleep } from './sleep.js';

const FAILING = new Set(['down', 'fail', 'not-executed']);

/**
 * A probe per probed channel, as a health check of the channel sees it: it fails when the
 * channel fails for every operation on it, hangs (until `probe.timeoutMs`) when the rest hang,
 * and answers otherwise: one operation failing on a channel that answers is not what a
 * channel's probe sees.
 */
export function probesOf(s: Scenario, chaos: Pick<ChaosController, 'behaviourOf'>): Record<string, Probe> {
  const out: Record<string, Probe> = {};
  const operations = s.catalog.operations as Record<string, { routes: readonly { channel: string }[] }>;
  for (const channel of s.probes) {
    const ops = Object.keys(operations).filter((op) => operations[op]?.routes.some((r) => r.channel === channel));
    out[channel] = async ({ signal }) => {
      const kinds = ops.map((op) => chaos.behaviourOf(op, channel).kind);
      if (kinds.length && kinds.every((k) => FAILING.has(k))) throw new Error(`probe: ${channel} is down`);
      // Aborted by the router at `probe.timeoutMs`.
      if (kinds.length && kinds.every((k) => k === 'hang' || FAILING.has(k))) await sleep(2 ** 31 - 1, signal);
      await sleep(s.latencyMs, signal);
    };
  }
  return out;
}
