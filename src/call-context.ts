// What a call says about itself (`ctx` of execute and plan), checked field by field: each field
// read once, whatever it is (a getter, a proxy, a revoked proxy), so every bad field is an
// InvalidInputError with its path and never a TypeError thrown from inside the router.
import { MAX_DELAY } from './deadlines.js';
import { type ConfigIssue, InvalidInputError, UnknownChannelError } from './errors.js';
import { canonicalLocale, LOCALE_EXPECTED, type Locale } from './i18n/locale.js';
import { scopeProblem } from './scopes.js';
import { capIssues } from './validate.js';

/** A call context once checked. */
export interface CheckedContext {
  /** Undefined when the call names none: the catalogue's `defaultLocale` then. */
  readonly locale: Locale | undefined;
  readonly idempotencyKey: string | undefined;
  readonly signal: AbortSignal | undefined;
  /** The signal's `aborted`, read once. */
  readonly aborted: boolean;
  readonly exclude: ReadonlySet<string> | undefined;
  readonly amount: number | undefined;
  readonly user: Readonly<Record<string, unknown>> | undefined;
  readonly scope: string | undefined;
  /** ms; a positive finite number. */
  readonly timeoutMs: number | undefined;
}

/** Longer is not a key but a payload (Stripe's keys, for one, stop at 255). */
export const MAX_KEY_LENGTH = 255;
/** A catalogue has a dozen channels; thousands of exclusions are a bug or an attack. */
export const MAX_EXCLUDED = 1_000;

const FIELDS = ['locale', 'idempotencyKey', 'signal', 'exclude', 'amount', 'user', 'scope', 'timeoutMs'] as const;
type Fields = { -readonly [K in (typeof FIELDS)[number]]?: unknown };

/** Checks `ctx` (not undefined) for `operation`; throws InvalidInputError or UnknownChannelError. */
export function checkCallContext(
  operation: string,
  ctx: unknown,
  method: string,
  channels: object,
  channelIds: readonly string[],
): CheckedContext {
  const issues: ConfigIssue[] = [];
  const bad = (path: string, message: string) => issues.push({ path: `ctx${path}`, message });
  if (typeof ctx !== 'object' || ctx === null) {
    bad('', `expected an object as the third argument of ${method}`);
    throw new InvalidInputError(operation, issues);
  }
  let f: Fields;
  try {
    // Each field read once: a getter may answer differently the second time.
    const c = ctx as Fields;
    f = {
      locale: c.locale,
      idempotencyKey: c.idempotencyKey,
      signal: c.signal,
      exclude: c.exclude,
      amount: c.amount,
      user: c.user,
      scope: c.scope,
      timeoutMs: c.timeoutMs,
    };
  } catch {
    f = {};
    for (const key of FIELDS) {
      try {
        f[key] = (ctx as Fields)[key];
      } catch {
        bad(`.${key}`, 'could not be read');
      }
    }
    // Nothing could be read: a revoked proxy, say, rather than one bad getter.
    if (issues.length === FIELDS.length) issues.splice(0, issues.length, { path: 'ctx', message: 'could not be read' });
  }
  const { locale, idempotencyKey, signal, amount, user, scope, timeoutMs } = f;
  // Canonical, so `EN` and `en` share their words and their cached referrals.
  const tag = locale === undefined ? undefined : canonicalLocale(locale);
  if (locale !== undefined && tag === undefined) bad('.locale', `${LOCALE_EXPECTED}, got ${describeValue(locale)}`);
  if (amount !== undefined && !(typeof amount === 'number' && Number.isFinite(amount) && amount >= 0)) {
    bad('.amount', `expected a finite number ≥ 0, got ${describeValue(amount)}`);
  }
  if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || idempotencyKey === '')) {
    bad('.idempotencyKey', 'expected a non-empty string');
  } else if (typeof idempotencyKey === 'string' && idempotencyKey.length > MAX_KEY_LENGTH) {
    // It is repeated in every attempt, in an uncertain outcome and its problem: keep it a key.
    bad('.idempotencyKey', `expected at most ${MAX_KEY_LENGTH} characters, got ${idempotencyKey.length}`);
  }
  if (user !== undefined && (typeof user !== 'object' || user === null)) {
    bad('.user', `expected an object, got ${describeValue(user)}`);
  }
  const aborted = signal === undefined ? false : abortedOf(signal);
  if (aborted === undefined) bad('.signal', `expected an AbortSignal, got ${describeValue(signal)}`);
  let exclude: unknown[] | undefined;
  if (f.exclude !== undefined) {
    try {
      // A copy, read once: a proxy or a getter cannot change it under us.
      const list = f.exclude as unknown[];
      const length = Array.isArray(list) ? list.length : -1;
      if (length > MAX_EXCLUDED) bad('.exclude', `expected at most ${MAX_EXCLUDED} channel ids, got ${length}`);
      else exclude = length >= 0 ? Array.from(list) : undefined;
    } catch {}
    if (!exclude && f.exclude !== undefined && !issues.some((i) => i.path === 'ctx.exclude')) {
      bad('.exclude', 'expected an array of channel ids');
    }
    exclude?.forEach((ch, i) => {
      if (typeof ch !== 'string') bad(`.exclude[${i}]`, `expected a channel id, got ${describeValue(ch)}`);
    });
  }
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= MAX_DELAY)) {
    bad('.timeoutMs', `expected ms > 0 and ≤ ${MAX_DELAY}`);
  }
  const problem = scope === undefined ? undefined : scopeProblem(scope);
  if (problem) bad('.scope', problem);
  if (issues.length) throw new InvalidInputError(operation, capIssues(issues));
  for (const ch of (exclude ?? []) as string[]) {
    if (!Object.hasOwn(channels, ch)) throw new UnknownChannelError(ch, 'ctx.exclude', [...channelIds]);
  }
  return {
    locale: tag,
    idempotencyKey: idempotencyKey as string | undefined,
    signal: signal as AbortSignal | undefined,
    aborted: aborted === true,
    exclude: exclude?.length ? new Set(exclude as string[]) : undefined,
    amount: amount as number | undefined,
    user: user as Readonly<Record<string, unknown>> | undefined,
    scope: scope as string | undefined,
    timeoutMs: timeoutMs as number | undefined,
  };
}

/** `aborted` of something shaped like an AbortSignal, or undefined when it is not one. */
function abortedOf(value: unknown): boolean | undefined {
  try {
    const s = value as AbortSignal;
    if (typeof s.addEventListener === 'function' && typeof s.removeEventListener === 'function') {
      const aborted = s.aborted;
      if (typeof aborted === 'boolean') return aborted;
    }
  } catch {}
  return undefined;
}

/** A value named in an error message, without calling anything of it. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 60));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null ? 'null' : typeof value;
}
