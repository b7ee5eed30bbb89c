// How an attempt ended, in one union: the `result` of its `Attempt` record.
import { isNotExecutedError } from '../errors.js';
import type { Classify, ErrorClass } from '../options.js';
import type { Attempt } from '../outcome.js';

/** How a handler run ended; `Attempt.result` of a run that was not skipped. */
export type Result = Exclude<Attempt['result'], 'skipped'>;
/** How a run that did not succeed ended. */
export type Failure = Exclude<Result, 'success'>;
/**
 * The `classify` option's answer, or the default (`NotExecutedError` → not-executed, anything
 * else → failure). An option that throws or answers something else is warned about and ignored.
 */
export function classifyError(
  error: unknown,
  where: { operation: string; channel: string },
  classify: Classify | undefined,
  warn: (code: string, message: string, error?: unknown) => void,
): ErrorClass {
  let kind: ErrorClass | undefined;
  if (classify) {
    try {
      kind = classify(error, where);
    } catch (thrown) {
      warn('classify-threw', 'The classify option threw; the error counts as a failure', thrown);
    }
    if (kind !== undefined && kind !== 'rejection' && kind !== 'not-executed' && kind !== 'failure') {
      warn(
        'classify-invalid',
        `The classify option returned ${String(kind)}; expected rejection, not-executed or failure`,
      );
      kind = undefined;
    }
  }
  return kind ?? (isNotExecutedError(error) ? 'not-executed' : 'failure');
}
