import { shortList } from './short-list.js';

/**
 * Every error secours throws on purpose. Each has a stable `name` and `code` so callers can
 * branch on them across realms and bundles (where `instanceof` may fail), and a message that
 * names the thing that was wrong.
 */

export type SecoursErrorCode =
  | 'ERR_SECOURS_CONFIG'
  | 'ERR_SECOURS_UNKNOWN_OPERATION'
  | 'ERR_SECOURS_UNKNOWN_CHANNEL'
  | 'ERR_SECOURS_INVALID_INPUT'
  | 'ERR_SECOURS_DISPOSED'
  | 'ERR_SECOURS_NOT_EXECUTED'
  | 'ERR_SECOURS_TIMEOUT'
  | 'ERR_SECOURS_CANCELLED'
  | 'ERR_SECOURS_RETRY_AFTER';

const BRAND = Symbol.for('secours.error');

export abstract class SecoursError extends Error {
  abstract readonly code: SecoursErrorCode;
  readonly [BRAND] = true;
}

/** True for any error thrown by secours, even from another copy of the package. */
export function isSecoursError(error: unknown): error is SecoursError {
  if (typeof error !== 'object' || error === null) return false;
  try {
    return (error as Record<symbol, unknown>)[BRAND] === true;
  } catch {
    // Whatever a handler threw (a proxy whose reads throw, a revoked one) is not one of ours, and
    // reading it must not throw out of the router: that crashed the process from a `.then`.
    return false;
  }
}

/** One problem found in a configuration, with the path to the value at fault. */
export interface ConfigIssue {
  /** Dotted path with indices, e.g. `operations.transfer.routes[1].channel`. */
  readonly path: string;
  readonly message: string;
}

/** One line per issue, as error messages and the CLI print them. */
export function issueLines(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `  ✖ ${i.message}${i.path ? ` → at ${i.path}` : ''}`).join('\n');
}

/** A catalogue, router option or outage declaration is invalid. Lists every problem at once. */
export class ConfigError extends SecoursError {
  override readonly name = 'ConfigError';
  readonly code = 'ERR_SECOURS_CONFIG';
  readonly issues: readonly ConfigIssue[];
  constructor(what: string, issues: readonly ConfigIssue[]) {
    super(`Invalid ${what} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issueLines(issues)}`);
    this.issues = Object.freeze(issues.slice());
  }
}

/** The names known, for a message: at most a few dozen, then a count (see shortList). */
export const knownList = shortList;

export class UnknownOperationError extends SecoursError {
  override readonly name = 'UnknownOperationError';
  readonly code = 'ERR_SECOURS_UNKNOWN_OPERATION';
  constructor(
    readonly operation: string,
    known: readonly string[],
  ) {
    super(`Unknown operation \`${operation}\`; known operations: ${knownList(known)}`);
  }
}

export class UnknownChannelError extends SecoursError {
  override readonly name = 'UnknownChannelError';
  readonly code = 'ERR_SECOURS_UNKNOWN_CHANNEL';
  constructor(
    readonly channel: string,
    where: string,
    known: readonly string[],
  ) {
    super(`Unknown channel \`${channel}\` in ${where}; known channels: ${knownList(known)}`);
  }
}

/** The input or the call context given to `execute` or `plan` is invalid. */
export class InvalidInputError extends SecoursError {
  override readonly name = 'InvalidInputError';
  readonly code = 'ERR_SECOURS_INVALID_INPUT';
  constructor(
    readonly operation: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(`Invalid input for operation \`${operation}\`:\n${issueLines(issues)}`);
  }
}

export class RouterDisposedError extends SecoursError {
  override readonly name = 'RouterDisposedError';
  readonly code = 'ERR_SECOURS_DISPOSED';
  constructor(method: string) {
    super(`Cannot call \`${method}\`: this router has been disposed`);
  }
}

/**
 * Thrown by a handler to say that the operation certainly did not happen (the request never
 * left, the backend refused it before doing anything). A non-idempotent operation may then fail
 * over to its next automated route. It still counts against the route's breaker.
 */
export class NotExecutedError extends SecoursError {
  override readonly name = 'NotExecutedError';
  readonly code = 'ERR_SECOURS_NOT_EXECUTED';
  /** When the backend said to try again (ms), if it did: a retry waits that long. */
  declare readonly retryAfterMs?: number;
  constructor(message = 'The operation was not executed', options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options);
    if (options?.retryAfterMs !== undefined) (this as { retryAfterMs?: number }).retryAfterMs = options.retryAfterMs;
  }
}

/** A handler did not settle within the route's timeout. Ambiguous: it may have executed. */
export class TimeoutError extends SecoursError {
  override readonly name = 'TimeoutError';
  readonly code = 'ERR_SECOURS_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`Timed out after ${timeoutMs} ms`);
  }
}

/**
 * The call was aborted by the caller's signal or by `dispose()`; or, as a handler's abort
 * reason (`by: 'hedge'`), another route of the same call answered first.
 */
export class CancelledError extends SecoursError {
  override readonly name = 'CancelledError';
  readonly code = 'ERR_SECOURS_CANCELLED';
  constructor(readonly by: 'signal' | 'dispose' | 'hedge') {
    // The hedge's words are set where hedges live (engine/hedge.ts), out of the browser core.
    super(by === 'signal' ? "Cancelled by the caller's signal" : 'Cancelled: the router was disposed');
  }
}

/**
 * A handler's failure that says when to try again (an HTTP 429 or 503 `Retry-After`, read by
 * the handler): a retry waits `retryAfterMs`, and one longer than `retry.maxMs` is not taken.
 * It is a failure (it may have happened); when the backend says it did nothing, throw
 * `new NotExecutedError(message, { retryAfterMs })` instead.
 */
export class RetryAfterError extends SecoursError {
  override readonly name = 'RetryAfterError';
  readonly code = 'ERR_SECOURS_RETRY_AFTER';
  constructor(
    readonly retryAfterMs: number,
    message = 'Try again later',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isNotExecutedError(error: unknown): error is NotExecutedError {
  return isSecoursError(error) && error.code === 'ERR_SECOURS_NOT_EXECUTED';
}
