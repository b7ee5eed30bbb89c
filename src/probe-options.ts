// What `createRouter({ probes, probe })` accepts: a check per channel, run from one timer.
import * as z from 'zod/mini';
import type { AnyCatalog } from './catalog.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { parseWith } from './validate.js';

/** What a probe gets: the channel it checks, and a signal aborted at `probe.timeoutMs`. */
export interface ProbeContext<Ch extends string = string> {
  readonly channel: Ch;
  readonly signal: AbortSignal;
}

/** Resolves (or returns) when the channel answers; throws, rejects or hangs when it does not. */
export type Probe<Ch extends string = string> = (ctx: ProbeContext<Ch>) => unknown;

export type Probes<Ch extends string = string> = { readonly [K in Ch]?: Probe<K> | undefined };

export interface ProbeOptions {
  /** How often probes run, on a channel in trouble or idle that long (ms, ≥ 100). @default 30_000 */
  intervalMs?: number | undefined;
  /** A probe still pending after this long failed (ms); its signal is aborted. @default 5_000 */
  timeoutMs?: number | undefined;
  /**
   * Up to this share of `intervalMs` early (0 ≤ jitter < 1), at random, so a fleet's probes do
   * not all hit a channel at once; 0 for a fixed interval (a replay that must be repeatable).
   * @default 0.1
   */
  jitter?: number | undefined;
}

export interface ResolvedProbeOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly jitter: number;
  /** The probe of each probed channel. */
  readonly probes: ReadonlyMap<string, Probe>;
}

const positive = z.number().check(z.positive('must be more than 0'), z.lte(2 ** 31 - 1));
/** Probes are health checks of real backends: more often than every 100 ms is a load test. */
const MIN_INTERVAL_MS = 100;
const probeSchema = z.strictObject({
  intervalMs: z.optional(z.number().check(z.gte(MIN_INTERVAL_MS), z.lte(2 ** 31 - 1))),
  timeoutMs: z.optional(positive),
  jitter: z.optional(z.number().check(z.gte(0), z.lt(1))),
});

/** Throws `ConfigError` naming each problem with its path (`probes.<channel>`, `probe.intervalMs`). */
export function resolveProbeOptions(
  catalog: AnyCatalog,
  probes: Record<string, unknown> | undefined,
  options: ProbeOptions | undefined,
): ResolvedProbeOptions {
  const issues: ConfigIssue[] = [];
  // `null` is not "no options": a config file saying `"probe": null` most likely lost its values.
  const parsed = parseWith(probeSchema, options === undefined ? {} : options, ['probe']);
  if (!parsed.data) issues.push(...parsed.issues);
  const map = new Map<string, Probe>();
  if (probes !== undefined && (probes === null || typeof probes !== 'object' || Array.isArray(probes))) {
    issues.push({ path: 'probes', message: 'expected an object: { [channel]: (ctx) => … }' });
  } else if (probes) {
    for (const [channel, probe] of Object.entries(probes)) {
      if (probe === undefined) continue;
      if (!Object.hasOwn(catalog.channels, channel)) {
        issues.push({ path: `probes.${channel}`, message: `no channel \`${channel}\` in the catalogue` });
      } else if (typeof probe !== 'function') {
        issues.push({ path: `probes.${channel}`, message: 'expected a function (ctx) => …' });
      } else map.set(channel, probe as Probe);
    }
  }
  if (issues.length) throw new ConfigError('router options', issues);
  const o = parsed.data ?? {};
  return { intervalMs: o.intervalMs ?? 30_000, timeoutMs: o.timeoutMs ?? 5_000, jitter: o.jitter ?? 0.1, probes: map };
}
