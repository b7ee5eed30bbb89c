// What of a call context a plan depends on, as a key: `usePlan(router, op, { locale: 'en' })`
// written inline is a new object on every render, and must not be a new plan each time.
import { InvalidInputError } from '../errors.js';
import type { CallContext } from '../options.js';

export interface PlanContext {
  /** Equal for two contexts that give the same plan. */
  readonly key: string;
  /** Only the fields a plan reads, copied. */
  readonly ctx: CallContext | undefined;
}

/**
 * `locale`, `exclude`, `amount` and `scope` decide a plan. `idempotencyKey`, `user` and `signal`
 * are for `execute`: they are not passed to `plan` and do not count. A context the router would
 * refuse throws the router's own error (InvalidInputError with the path).
 */
export function planContext(
  operation: string,
  ctx: CallContext | undefined,
  check: (ctx: CallContext) => unknown,
): PlanContext {
  if (ctx === undefined) return { key: '', ctx: undefined };
  if (typeof ctx !== 'object' || ctx === null) check(ctx);
  let picked: CallContext | undefined;
  let key: string | undefined;
  try {
    const { locale, exclude, amount, scope } = ctx;
    picked = {
      ...(locale === undefined ? {} : { locale }),
      ...(exclude === undefined ? {} : { exclude: Array.isArray(exclude) ? [...exclude] : exclude }),
      ...(amount === undefined ? {} : { amount }),
      ...(scope === undefined ? {} : { scope }),
    };
    key = JSON.stringify([locale, excludeKey(picked.exclude), amount, scope]);
  } catch {}
  if (picked === undefined || key === undefined) {
    // Not readable or not serialisable: the router says what is wrong with it, by path.
    check(ctx);
    throw new InvalidInputError(operation, [{ path: 'ctx', message: 'could not be read' }]);
  }
  return { key, ctx: picked };
}

/**
 * The router reads a list of channel ids as a set (`[...selected]` re-ordered between renders is
 * the same plan). Anything else is keyed as given, so its error keeps the user's own index path.
 */
function excludeKey(exclude: unknown): unknown {
  if (!Array.isArray(exclude) || !exclude.every((ch) => typeof ch === 'string')) return exclude;
  return exclude.length === 0 ? undefined : [...new Set(exclude as string[])].sort();
}
