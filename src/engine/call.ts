// One call to execute (or plan): what it says of the person, checked, and how far it got.
import { checkCallContext } from '../call-context.js';
import type { Locale } from '../i18n/text.js';
import type { CallContext } from '../options.js';
import type { Attempt, Outcome } from '../outcome.js';
import type { AttemptRun } from './attempt.js';
import type { CallPolicy } from './call-policy.js';
import type { OperationState } from './state.js';

function randomUuid(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  // randomUUID needs a secure context in browsers; getRandomValues does not.
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Generated keys are version-4 UUIDs whose first 98 random bits are drawn once per 2^24 keys and
 * whose last 24 bits count from a random start: as unique as UUIDs drawn one by one, at an
 * eighth of the cost, so every handler can be given its key as plain data. (Hex digits come from
 * a table: `toString(16)` of a large number costs more than a whole call.)
 */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
let keyPrefix = '';
let keyCount = 0;
let keysLeft = 0;
function newKey(): string {
  if (keysLeft-- <= 0) {
    const uuid = randomUuid();
    keyPrefix = uuid.slice(0, 30);
    keyCount = Number.parseInt(uuid.slice(30), 16);
    keysLeft = 2 ** 24 - 1;
  }
  const n = keyCount++ & 0xffffff;
  return keyPrefix + HEX[n >>> 16] + HEX[(n >>> 8) & 255] + HEX[n & 255];
}

/** Captures a new promise's settle functions without allocating an executor closure per call. */
let capturedResolve: ((value: Outcome) => void) | undefined;
let capturedReject: ((error: unknown) => void) | undefined;
const capture = (resolve: (value: Outcome) => void, reject: (error: unknown) => void) => {
  capturedResolve = resolve;
  capturedReject = reject;
};

/** One call to `execute` (or `plan`): what it knows of the person, and how far it got. */
export class Call {
  declare readonly locale: Locale;
  declare readonly exclude: ReadonlySet<string> | undefined;
  declare readonly amount: number | undefined;
  declare readonly user: Readonly<Record<string, unknown>> | undefined;
  declare readonly scope: string | undefined;
  /** The caller's signal, checked: it cancels the call. */
  declare signal: AbortSignal | undefined;
  declare cancelledBy: 'signal' | 'dispose' | undefined;
  /** Its attempt in flight, or the bulkhead it waits in (told which call is cancelled). */
  declare current: { cancel(by: 'signal' | 'dispose', call: Call): void } | undefined;
  /**
   * The bulkhead whose queue it waits in, until its turn comes or it leaves: a hedge waits there
   * while other runs of the call are in flight, and must not be woken later into a call that
   * went on meanwhile (a retry's wait, its end).
   */
  declare queuedIn: { leave(call: Call): void; cancel(by: 'signal' | 'dispose', call: Call): void } | undefined;
  declare readonly op: OperationState;
  declare input: unknown;
  /** Index of the next route to consider. */
  declare next: number;
  declare runs: number;
  /** Made with the first attempt: most calls end with exactly one. */
  declare attempts: Attempt[] | undefined;
  declare failed: Set<string> | undefined;
  /** `ctx.timeoutMs`, checked. */
  declare timeoutMs: number | undefined;
  /** Its deadline, retries and hedges: only for an operation with a policy or a call with a deadline. */
  declare policy: CallPolicy | undefined;
  /** Its deadline passed. */
  declare expired: boolean;
  /** It has its outcome (or its rejection): whatever ends later is ignored. */
  declare over: boolean;
  declare resolve: ((outcome: Outcome) => void) | undefined;
  declare reject: ((error: unknown) => void) | undefined;
  declare private key: string | undefined;
  // Plain assignments, not class fields: fields are defined one by one and then assigned again.
  constructor(
    op: OperationState,
    locale: Locale,
    exclude: ReadonlySet<string> | undefined,
    amount: number | undefined,
    user: Readonly<Record<string, unknown>> | undefined,
    givenKey: string | undefined,
    scope: string | undefined,
  ) {
    this.locale = locale;
    this.exclude = exclude;
    this.amount = amount;
    this.user = user;
    this.scope = scope;
    this.signal = undefined;
    this.cancelledBy = undefined;
    this.current = undefined;
    this.queuedIn = undefined;
    this.op = op;
    this.input = undefined;
    this.next = 0;
    this.runs = 0;
    this.attempts = undefined;
    this.failed = undefined;
    this.timeoutMs = undefined;
    this.policy = undefined;
    this.expired = false;
    this.over = false;
    this.resolve = undefined;
    this.reject = undefined;
    this.key = givenKey;
  }
  record(attempt: Attempt): Attempt[] {
    if (this.attempts) this.attempts.push(attempt);
    else this.attempts = [attempt];
    return this.attempts;
  }
  /** Made once the first attempt goes asynchronous; a call that ends synchronously needs none. */
  pending(): Promise<Outcome> {
    const promise = new Promise<Outcome>(capture);
    this.resolve = capturedResolve;
    this.reject = capturedReject;
    capturedResolve = capturedReject = undefined;
    return promise;
  }
  /** Generated only when a handler or an outcome needs it. */
  idempotencyKey(): string {
    if (this.key === undefined) this.key = newKey();
    return this.key;
  }
  /** It has its answer: its deadline, its wait and any run still in flight let go. */
  finish(): void {
    this.over = true;
    // A hedge still waiting for a slot: its place in the queue goes to the calls behind it.
    this.queuedIn?.leave(this);
    this.queuedIn = undefined;
    this.policy?.release();
  }
  cancel(by: 'signal' | 'dispose'): void {
    if (this.over) return;
    this.cancelledBy ??= by;
    const policy = this.policy;
    if (policy?.waiting) {
      policy.wakeUp();
      return;
    }
    const current = this.current;
    if (policy?.flying.length) {
      for (const run of policy.flying.slice()) run.cancel(by);
      // What it waits in (a bulkhead's queue, for a hedge) is told too; a run was told above.
      if (current && !policy.flying.includes(current as AttemptRun)) current.cancel(by, this);
      return;
    }
    current?.cancel(by, this);
  }
}

/** A call of `op` from the caller's `ctx` (checked: InvalidInputError or UnknownChannelError). */
export function parseCall(
  op: OperationState,
  ctx: CallContext | undefined,
  method: string,
  channels: object,
  channelIds: readonly string[],
  defaultLocale: Locale,
): Call {
  if (ctx === undefined) return new Call(op, defaultLocale, undefined, undefined, undefined, undefined, undefined);
  const c = checkCallContext(op.id, ctx, method, channels, channelIds);
  const call = new Call(op, c.locale ?? defaultLocale, c.exclude, c.amount, c.user, c.idempotencyKey, c.scope);
  call.timeoutMs = c.timeoutMs;
  if (c.signal !== undefined) {
    call.signal = c.signal;
    if (c.aborted) call.cancelledBy = 'signal';
  }
  return call;
}
