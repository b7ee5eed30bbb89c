// What a call says about itself (`ctx` of execute and plan), checked field by field: each field
// read once, whatever it is (a getter, a proxy, a revoked proxy), so every bad field is an
// InvalidInputError with its path and never a TypeError thrown from inside the router.
import { type ConfigIssue, InvalidInputError, UnknownChannelError } from './errors.js';
import { scopeProblem } from './scopes.js';
import { DEFAULT_LOCALE, isLocale, type Locale } from './text.js';

/** A call context once checked. */
export interface CheckedContext {
  readonly locale: Locale;
  readonly idempotencyKey: string | undefined;
  readonly signal: AbortSignal | undefined;
  /** The signal's `aborted`, read once. */
  readonly aborted: boolean;
  readonly exclude: ReadonlySet<string> | undefined;
  readonly amount: number | undefined;
  readonly user: Readonly<Record<string, unknown>> | undefined;
  readonly scope: string | undefined;
}

/** Checks `ctx` (not undefined) for `operation`; throws InvalidInputError or UnknownChannelError. */
export function checkCallContext(
  operation: string,
  ctx: unknown,
  method: string,
  channels: object,
  channelIds: readonly string[],
): CheckedContext {
  if (typeof ctx !== 'object' || ctx === null) {
    throw new InvalidInputError(operation, [
      { path: 'ctx', message: `expected an object as the third argument of ${method}` },
    ]);
  }
  let locale: unknown;
  let idempotencyKey: unknown;
  let signal: unknown;
  let exclude: unknown;
  let amount: unknown;
  let user: unknown;
  let scope: unknown;
  try {
    // Each field read once: a getter may answer differently the second time.
    const c = ctx as Record<string, unknown>;
    locale = c.locale;
    idempotencyKey = c.idempotencyKey;
    signal = c.signal;
    exclude = c.exclude;
    amount = c.amount;
    user = c.user;
    scope = c.scope;
  } catch {
    readEach(operation, ctx);
  }
  const issues: ConfigIssue[] = [];
  if (locale !== undefined && !isLocale(locale)) {
    issues.push({ path: 'ctx.locale', message: `expected 'fr' or 'en', got ${describeValue(locale)}` });
  }
  if (amount !== undefined && !(typeof amount === 'number' && Number.isFinite(amount) && amount >= 0)) {
    issues.push({ path: 'ctx.amount', message: `expected a finite number ≥ 0, got ${describeValue(amount)}` });
  }
  if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || idempotencyKey === '')) {
    issues.push({ path: 'ctx.idempotencyKey', message: 'expected a non-empty string' });
  }
  if (user !== undefined && (typeof user !== 'object' || user === null)) {
    issues.push({ path: 'ctx.user', message: `expected an object, got ${describeValue(user)}` });
  }
  let aborted = false;
  if (signal !== undefined) {
    const state = signalState(signal);
    if (state === undefined) {
      issues.push({ path: 'ctx.signal', message: `expected an AbortSignal, got ${describeValue(signal)}` });
    } else aborted = state;
  }
  const excluded = excludeOf(exclude, issues, channels, channelIds);
  if (scope !== undefined) {
    const problem = scopeProblem(scope);
    if (problem) issues.push({ path: 'ctx.scope', message: problem });
  }
  if (issues.length) throw new InvalidInputError(operation, issues);
  return {
    locale: (locale as Locale | undefined) ?? DEFAULT_LOCALE,
    idempotencyKey: idempotencyKey as string | undefined,
    signal: signal as AbortSignal | undefined,
    aborted,
    exclude: excluded,
    amount: amount as number | undefined,
    user: user as Readonly<Record<string, unknown>> | undefined,
    scope: scope as string | undefined,
  };
}

function excludeOf(
  exclude: unknown,
  issues: ConfigIssue[],
  channels: object,
  channelIds: readonly string[],
): Set<string> | undefined {
  if (exclude === undefined) return undefined;
  let list: unknown[];
  try {
    if (!Array.isArray(exclude)) throw new TypeError('not an array');
    // A copy, read once: a proxy or a getter cannot change it under us.
    list = Array.from(exclude as unknown[]);
  } catch {
    issues.push({ path: 'ctx.exclude', message: 'expected an array of channel ids' });
    return undefined;
  }
  let bad = false;
  list.forEach((ch, i) => {
    if (typeof ch !== 'string') {
      bad = true;
      issues.push({ path: `ctx.exclude[${i}]`, message: `expected a channel id, got ${describeValue(ch)}` });
    }
  });
  if (bad) return undefined;
  for (const ch of list as string[]) {
    if (!Object.hasOwn(channels, ch)) throw new UnknownChannelError(ch, 'ctx.exclude', [...channelIds]);
  }
  return list.length ? new Set(list as string[]) : undefined;
}

const CALL_FIELDS = ['locale', 'idempotencyKey', 'signal', 'exclude', 'amount', 'user', 'scope'] as const;

/** The slow path, once some read threw: which fields could not be read, each with its path. */
function readEach(operation: string, ctx: object): never {
  try {
    Reflect.getPrototypeOf(ctx);
  } catch {
    throw new InvalidInputError(operation, [{ path: 'ctx', message: 'could not be read (a revoked proxy?)' }]);
  }
  const issues: ConfigIssue[] = [];
  for (const key of CALL_FIELDS) {
    try {
      void (ctx as Record<string, unknown>)[key];
    } catch (error) {
      issues.push({ path: `ctx.${key}`, message: `could not be read: ${describeValue(error)}` });
    }
  }
  throw new InvalidInputError(operation, issues);
}

/** `aborted` of something shaped like an AbortSignal, or undefined when it is not one. */
function signalState(value: unknown): boolean | undefined {
  try {
    if (typeof value !== 'object' || value === null) return undefined;
    const s = value as AbortSignal;
    if (typeof s.addEventListener !== 'function' || typeof s.removeEventListener !== 'function') return undefined;
    const aborted = s.aborted;
    return typeof aborted === 'boolean' ? aborted : undefined;
  } catch {
    return undefined;
  }
}

/** A value named in an error message, without calling anything of it. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  try {
    // instanceof and name may throw on a proxy or a hostile getter.
    if (value instanceof Error && typeof value.name === 'string') return value.name;
  } catch {
    // fall through
  }
  return 'an object';
}
