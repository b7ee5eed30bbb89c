// What spans and metrics say of one handler run, in the same words: ids from the catalogue and
// the engine's own fixed words, never the handler's error or anything from the input, so the
// number of metric series is bounded by the catalogue.
import type { Attempt } from '../outcome.js';

/**
 * Fields a retry or hedge policy writes on an attempt record: which retry of its route it was,
 * and whether it was a hedge. Read only when present and well formed.
 */
interface PolicyFields {
  readonly retry?: unknown;
  readonly hedge?: unknown;
}

/** `secours.result`, then `secours.retry` and `secours.hedge` when the attempt has them. */
export function attemptAttributes(
  attempt: Exclude<Attempt, { result: 'skipped' }>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = { 'secours.result': attempt.result };
  const { retry, hedge } = attempt as PolicyFields;
  if (typeof retry === 'number' && Number.isSafeInteger(retry) && retry >= 0) out['secours.retry'] = retry;
  if (hedge === true) out['secours.hedge'] = true;
  return out;
}
