import type { ChannelKind, Contact } from './catalog.js';
import type { ChannelStatus } from './snapshot.js';

/**
 * Why an automated route was not tried. `busy`: its bulkhead (`breaker.maxConcurrent`) was full
 * and its queue too.
 */
export type SkipReason =
  | 'breaker-open'
  | 'remote'
  | 'outage'
  | 'maintenance'
  | 'closed'
  | 'excluded'
  | 'limit'
  | 'busy';

/** How one route fared during a call: for logs only, never shown to the person. */
export type Attempt<Ch extends string = string> =
  | { readonly channel: Ch; readonly result: 'skipped'; readonly why: SkipReason }
  | {
      readonly channel: Ch;
      readonly result: 'success' | 'failure' | 'timeout' | 'not-executed' | 'rejection' | 'cancelled';
      readonly durationMs: number;
      /** The handler's error, as thrown: may hold internal details. */
      readonly error?: unknown;
      /** A retry on the same route: 1 for the first. Absent on a first try. */
      readonly retry?: number;
      /** Started by a hedge, beside a run still in flight. */
      readonly hedge?: true;
    };

/** Something a person can act on instead. */
export interface Alternative<Ch extends string = string> {
  readonly channel: Ch;
  readonly kind: ChannelKind;
  readonly label: string;
  readonly instructions?: string;
  /**
   * On an uncertain outcome: offered only once the person checked that the first request did
   * not go through (its `instructions` say so first).
   */
  readonly afterCheck?: true;
  readonly contact?: Contact;
  readonly status: ChannelStatus;
  readonly openNow: boolean;
  /** When it opens next (ISO 8601), if closed now. */
  readonly opensAt?: string;
  /** When it closes next (ISO 8601), if open now and known: "open until 20:00". */
  readonly closesAt?: string;
  /** The IANA time zone of its opening hours, when it has some (`describeAvailability` reads them in it). */
  readonly timeZone?: string;
}

/** Why a person was referred. Stable: branch on it, show `reason`. */
export type ReferralCode =
  /** A declared outage or maintenance covers the routes that would have served. */
  | 'outage'
  /** Automated routes are failing or their breakers are open. */
  | 'unavailable'
  /** The automated routes that could serve are closed now (opening hours); `retryAfter` says when one opens. */
  | 'closed'
  /** The remaining automated routes are excluded for this person or over their limits. */
  | 'not-for-this-request'
  /** The operation has no automated route: it is done by a person or by phone. */
  | 'manual'
  /** The caller's signal or `dispose()` cancelled the call. */
  | 'cancelled'
  /** The call's deadline (`timeoutMs`) passed before an automated route served, and nothing non-idempotent was in flight. */
  | 'deadline';

// Plain assignments, not parameter properties: those are class fields, defined one by one and then
// assigned again, on every outcome.
abstract class OutcomeBase<O extends string, Ch extends string> {
  /** Set first so it comes first in logs and JSON. */
  declare readonly kind: 'served' | 'referred' | 'uncertain';
  declare readonly operation: O;
  /**
   * Private, so no copy carries it: `{...outcome}`, `structuredClone` and `JSON.stringify` see
   * only the user-safe fields. The handler errors in it may hold internal details.
   */
  readonly #attempts: readonly Attempt<Ch>[];

  constructor(kind: 'served' | 'referred' | 'uncertain', operation: O, attempts: readonly Attempt<Ch>[]) {
    this.kind = kind;
    this.operation = operation;
    this.#attempts = attempts;
  }

  /** Every route considered, in order: for logs. Left out of every copy: it may hold internal errors. */
  get attempts(): readonly Attempt<Ch>[] {
    return this.#attempts;
  }

  /** The user-safe form: everything but `attempts`. */
  toJSON(): Record<string, unknown> {
    return { ...this } as Record<string, unknown>;
  }
}

export class Served<O extends string = string, Ch extends string = string, V = unknown> extends OutcomeBase<O, Ch> {
  declare readonly kind: 'served';
  declare readonly channel: Ch;
  declare readonly value: V;
  /** True when not served by the operation's first route. */
  declare readonly degraded: boolean;
  constructor(operation: O, channel: Ch, value: V, degraded: boolean, attempts: readonly Attempt<Ch>[]) {
    super('served', operation, attempts);
    this.channel = channel;
    this.value = value;
    this.degraded = degraded;
  }
}

export class Referred<O extends string = string, Ch extends string = string> extends OutcomeBase<O, Ch> {
  declare readonly kind: 'referred';
  declare readonly code: ReferralCode;
  /** Localised and safe to show: never an internal error message. */
  declare readonly reason: string;
  /** Open first, then closed, each in the operation's order. Never one that is down. */
  declare readonly alternatives: readonly Alternative<Ch>[];
  /** When an automated route may work again (ISO 8601), when known. */
  declare readonly retryAfter: string | undefined;
  constructor(
    operation: O,
    code: ReferralCode,
    reason: string,
    alternatives: readonly Alternative<Ch>[],
    retryAfter: string | undefined,
    attempts: readonly Attempt<Ch>[],
  ) {
    super('referred', operation, attempts);
    this.code = code;
    this.reason = reason;
    this.alternatives = alternatives;
    this.retryAfter = retryAfter;
  }
}

export class Uncertain<O extends string = string, Ch extends string = string> extends OutcomeBase<O, Ch> {
  declare readonly kind: 'uncertain';
  /** The channel whose attempt may or may not have happened. */
  declare readonly channel: Ch;
  /** The idempotency key: quote it to check what happened. */
  declare readonly reference: string;
  declare readonly reason: string;
  /** How to check whether it went through, from the route that may have run (localised), if it says. */
  declare readonly checkInstructions: string | undefined;
  /** Each `afterCheck`: to use only once the person checked it did not go through. */
  declare readonly alternatives: readonly Alternative<Ch>[];
  constructor(
    operation: O,
    channel: Ch,
    reference: string,
    reason: string,
    alternatives: readonly Alternative<Ch>[],
    attempts: readonly Attempt<Ch>[],
    checkInstructions?: string,
  ) {
    super('uncertain', operation, attempts);
    this.channel = channel;
    this.reference = reference;
    this.reason = reason;
    this.checkInstructions = checkInstructions;
    this.alternatives = alternatives;
  }
}

export type Outcome<O extends string = string, Ch extends string = string, V = unknown> =
  | Served<O, Ch, V>
  | Referred<O, Ch>
  | Uncertain<O, Ch>;
