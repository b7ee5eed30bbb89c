// What `createRouter({ retry, timeoutMs, policies })` accepts: retries on the same route, a hedge
// on the next route, and one deadline for a whole call. Checked here, by hand, so each problem
// reads as "expected an integer ≥ 0" at its path, like every other option.

import { describeValue } from './call-context.js';
import type { AnyCatalog, OperationIdOf } from './catalog.js';
import { MAX_DELAY } from './deadlines.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { ownValue } from './internal/own.js';
import { capIssues } from './validate.js';

/** How a retry's wait is spread (AWS, "Exponential Backoff and Jitter"). */
export type Jitter = 'full' | 'decorrelated' | 'none';

export interface RetryOptions {
  /** Tries again on the same route, up to this many times, only where it is safe. @default 0 */
  maxRetries?: number | undefined;
  /** The first wait before jitter (ms). @default 100 */
  baseMs?: number | undefined;
  /** No wait is longer (ms); an error asking for longer (`retryAfterMs`) ends the retries on that route. @default 5_000 */
  maxMs?: number | undefined;
  /**
   * `'full'`: at random up to `min(maxMs, baseMs·2ⁿ)`; `'decorrelated'`: at random between
   * `baseMs` and three times the last wait, at most `maxMs`; `'none'`: `min(maxMs, baseMs·2ⁿ⁻¹)`.
   * @default 'full'
   */
  jitter?: Jitter | undefined;
  /** A number in [0, 1): a seeded one makes waits repeatable. @default Math.random */
  random?: (() => number) | undefined;
}

export interface HedgeOptions {
  /** When the current route has not answered after this long (ms), the next usable route starts too. */
  afterMs: number;
  /** How many more routes may run at once beside the first. @default 1 */
  maxHedges?: number | undefined;
}

/** One operation's policies; each overrides the router-wide value. */
export interface OperationPolicy {
  retry?: RetryOptions | undefined;
  /** Only for an idempotent operation: a ConfigError otherwise. */
  hedge?: HedgeOptions | undefined;
  /** The whole call's budget (ms), across failover, retries and hedges. */
  timeoutMs?: number | undefined;
}

export type Policies<C extends AnyCatalog> = { readonly [O in OperationIdOf<C>]?: OperationPolicy | undefined };

export interface ResolvedRetry {
  readonly maxRetries: number;
  readonly baseMs: number;
  readonly maxMs: number;
  readonly jitter: Jitter;
  readonly random: () => number;
}

export interface ResolvedHedge {
  readonly afterMs: number;
  readonly maxHedges: number;
}

/** One operation's policies, resolved; absent when it has none (the plain path). */
export interface ResolvedPolicy {
  readonly retry: ResolvedRetry | undefined;
  readonly hedge: ResolvedHedge | undefined;
  /** ms; undefined for no deadline. */
  readonly timeoutMs: number | undefined;
}

const RETRY_KEYS = new Set(['maxRetries', 'baseMs', 'maxMs', 'jitter', 'random']);
const HEDGE_KEYS = new Set(['afterMs', 'maxHedges']);
const POLICY_KEYS = new Set(['retry', 'hedge', 'timeoutMs']);
/** More retries than this is a loop, not a policy. */
const MAX_RETRIES = 100;
/** A catalogue has a dozen routes per operation at most. */
const MAX_HEDGES = 10;

type Bad = (path: string, message: string) => void;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(value: Record<string, unknown>, keys: ReadonlySet<string>, path: string, bad: Bad): void {
  for (const key of Object.keys(value)) if (!keys.has(key)) bad(`${path}.${key}`, 'unknown option');
}

function int(value: unknown, min: number, max: number, path: string, bad: Bad): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  bad(
    path,
    `expected an integer ≥ ${min}${max < Number.MAX_SAFE_INTEGER ? ` and ≤ ${max}` : ''}, got ${describeValue(value)}`,
  );
  return undefined;
}

/** A delay for a timer: more than 0 (or ≥ 0), at most what setTimeout holds. */
function ms(value: unknown, orZero: boolean, path: string, bad: Bad): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && (orZero ? value >= 0 : value > 0) && value <= MAX_DELAY) return value;
  bad(path, `expected a number of ms ${orZero ? '≥ 0' : '> 0'} and ≤ ${MAX_DELAY}, got ${describeValue(value)}`);
  return undefined;
}

type RetryFields = { -readonly [K in keyof ResolvedRetry]?: ResolvedRetry[K] };

function readRetry(value: unknown, path: string, bad: Bad): RetryFields | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    bad(path, `expected an object { maxRetries, baseMs, maxMs, jitter }, got ${describeValue(value)}`);
    return undefined;
  }
  unknownKeys(value, RETRY_KEYS, path, bad);
  const out: RetryFields = {};
  const maxRetries = int(ownValue(value, 'maxRetries'), 0, MAX_RETRIES, `${path}.maxRetries`, bad);
  if (maxRetries !== undefined) out.maxRetries = maxRetries;
  const baseMs = ms(ownValue(value, 'baseMs'), true, `${path}.baseMs`, bad);
  if (baseMs !== undefined) out.baseMs = baseMs;
  const maxMs = ms(ownValue(value, 'maxMs'), true, `${path}.maxMs`, bad);
  if (maxMs !== undefined) out.maxMs = maxMs;
  const jitter = ownValue(value, 'jitter');
  if (jitter === 'full' || jitter === 'decorrelated' || jitter === 'none') out.jitter = jitter;
  else if (jitter !== undefined)
    bad(`${path}.jitter`, `expected 'full', 'decorrelated' or 'none', got ${describeValue(jitter)}`);
  const random = ownValue(value, 'random');
  if (typeof random === 'function') out.random = random as () => number;
  else if (random !== undefined) bad(`${path}.random`, 'expected a function returning a number in [0, 1)');
  return out;
}

function readHedge(value: unknown, path: string, bad: Bad): ResolvedHedge | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    bad(path, `expected an object { afterMs, maxHedges }, got ${describeValue(value)}`);
    return undefined;
  }
  unknownKeys(value, HEDGE_KEYS, path, bad);
  const afterMs = ms(ownValue(value, 'afterMs'), false, `${path}.afterMs`, bad);
  if (afterMs === undefined && ownValue(value, 'afterMs') === undefined) bad(`${path}.afterMs`, 'required');
  const maxHedges = int(ownValue(value, 'maxHedges'), 1, MAX_HEDGES, `${path}.maxHedges`, bad);
  return afterMs === undefined ? undefined : { afterMs, maxHedges: maxHedges ?? 1 };
}

function finish(router: RetryFields | undefined, own: RetryFields | undefined, path: string, bad: Bad) {
  const r = { ...router, ...own };
  const maxRetries = r.maxRetries ?? 0;
  const baseMs = r.baseMs ?? 100;
  const maxMs = r.maxMs ?? 5_000;
  if (baseMs > maxMs) bad(`${path}.baseMs`, `expected at most maxMs (${maxMs}), got ${baseMs}`);
  if (maxRetries === 0) return undefined;
  return Object.freeze({ maxRetries, baseMs, maxMs, jitter: r.jitter ?? 'full', random: r.random ?? Math.random });
}

/**
 * Each operation's policies, from the router-wide `retry` and `timeoutMs` and `policies[op]`;
 * only the operations that have one are in the map. Throws ConfigError naming every problem.
 */
export function resolvePolicies(
  catalog: AnyCatalog,
  retry: unknown,
  timeoutMs: unknown,
  policies: unknown,
): ReadonlyMap<string, ResolvedPolicy> {
  const issues: ConfigIssue[] = [];
  const bad: Bad = (path, message) => issues.push({ path, message });
  const routerRetry = readRetry(retry, 'retry', bad);
  const routerTimeout = ms(timeoutMs, false, 'timeoutMs', bad);
  const own: Record<
    string,
    { retry?: RetryFields | undefined; hedge?: ResolvedHedge; timeoutMs?: number | undefined }
  > = Object.create(null);
  if (policies !== undefined && !isRecord(policies)) {
    bad('policies', 'expected an object: { [operation]: { retry, hedge, timeoutMs } }');
  } else if (policies) {
    for (const id of Object.keys(policies)) {
      const path = `policies.${id}`;
      const policy = policies[id];
      if (policy === undefined) continue;
      if (!Object.hasOwn(catalog.operations, id)) {
        bad(path, `no operation \`${id}\` in the catalogue`);
        continue;
      }
      if (!isRecord(policy)) {
        bad(path, `expected an object { retry, hedge, timeoutMs }, got ${describeValue(policy)}`);
        continue;
      }
      unknownKeys(policy, POLICY_KEYS, path, bad);
      const hedge = readHedge(ownValue(policy, 'hedge'), `${path}.hedge`, bad);
      const operation = ownValue(catalog.operations as Record<string, { idempotent?: boolean }>, id);
      if (hedge && !operation?.idempotent) {
        // Two routes running at once is a second execution: only safe when doing it twice is.
        bad(`${path}.hedge`, `\`${id}\` is not idempotent: a hedge would run it twice`);
      }
      own[id] = {
        ...(ownValue(policy, 'retry') !== undefined && {
          retry: readRetry(ownValue(policy, 'retry'), `${path}.retry`, bad),
        }),
        ...(hedge && { hedge }),
        ...(ownValue(policy, 'timeoutMs') !== undefined && {
          timeoutMs: ms(ownValue(policy, 'timeoutMs'), false, `${path}.timeoutMs`, bad),
        }),
      };
    }
  }
  const resolved = new Map<string, ResolvedPolicy>();
  for (const id of Object.keys(catalog.operations)) {
    const p = own[id];
    const retryOf = finish(routerRetry, p?.retry, p?.retry ? `policies.${id}.retry` : 'retry', bad);
    const deadline = p?.timeoutMs ?? routerTimeout;
    if (retryOf || p?.hedge || deadline !== undefined) {
      resolved.set(id, Object.freeze({ retry: retryOf, hedge: p?.hedge, timeoutMs: deadline }));
    }
  }
  if (issues.length) throw new ConfigError('router options', capIssues(dedupe(issues)));
  return resolved;
}

/** The router-wide `retry` is checked once per operation: one issue is enough. */
function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\n${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
