import type { ChannelKind, Contact } from './catalog.js';
import type { ChannelStatus } from './snapshot.js';

/** Why an automated route was not tried. */
export type SkipReason = 'breaker-open' | 'remote' | 'outage' | 'maintenance' | 'closed' | 'excluded' | 'limit';

/** How one route fared during a call: for logs only, never shown to the person. */
export type Attempt<Ch extends string = string> =
  | { readonly channel: Ch; readonly result: 'skipped'; readonly why: SkipReason }
  | {
      readonly channel: Ch;
      readonly result: 'success' | 'failure' | 'timeout' | 'not-executed' | 'rejection' | 'cancelled';
      readonly durationMs: number;
      /** The handler's error, as thrown: may hold internal details. */
      readonly error?: unknown;
    };

/** Something a person can act on instead. */
export interface Alternative<Ch extends string = string> {
  readonly channel: Ch;
  readonly kind: ChannelKind;
  readonly label: string;
  readonly instructions?: string;
  readonly contact?: Contact;
  readonly status: ChannelStatus;
  readonly openNow: boolean;
  /** When it opens next (ISO 8601), if closed now. */
  readonly opensAt?: string;
  /** When it closes next (ISO 8601), if open now and known: "open until 20:00". */
  readonly closesAt?: string;
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
  | 'cancelled';

abstract class OutcomeBase<O extends string, Ch extends string> {
  /**
   * Private, so no copy carries it: `{...outcome}`, `structuredClone` and `JSON.stringify` see
   * only the user-safe fields. The handler errors in it may hold internal details.
   */
  readonly #attempts: readonly Attempt<Ch>[];

  constructor(
    /** Set first so it comes first in logs and JSON. */
    readonly kind: 'served' | 'referred' | 'uncertain',
    readonly operation: O,
    attempts: readonly Attempt<Ch>[],
  ) {
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
  constructor(
    operation: O,
    readonly channel: Ch,
    readonly value: V,
    /** True when not served by the operation's first route. */
    readonly degraded: boolean,
    attempts: readonly Attempt<Ch>[],
  ) {
    super('served', operation, attempts);
  }
}

export class Referred<O extends string = string, Ch extends string = string> extends OutcomeBase<O, Ch> {
  declare readonly kind: 'referred';
  constructor(
    operation: O,
    readonly code: ReferralCode,
    /** Localised and safe to show: never an internal error message. */
    readonly reason: string,
    /** Open first, then closed, each in the operation's order. Never one that is down. */
    readonly alternatives: readonly Alternative<Ch>[],
    /** When an automated route may work again (ISO 8601), when known. */
    readonly retryAfter: string | undefined,
    attempts: readonly Attempt<Ch>[],
  ) {
    super('referred', operation, attempts);
  }
}

export class Uncertain<O extends string = string, Ch extends string = string> extends OutcomeBase<O, Ch> {
  declare readonly kind: 'uncertain';
  constructor(
    operation: O,
    /** The channel whose attempt may or may not have happened. */
    readonly channel: Ch,
    /** The idempotency key: quote it to check what happened. */
    readonly reference: string,
    readonly reason: string,
    readonly alternatives: readonly Alternative<Ch>[],
    attempts: readonly Attempt<Ch>[],
  ) {
    super('uncertain', operation, attempts);
  }
}

export type Outcome<O extends string = string, Ch extends string = string, V = unknown> =
  | Served<O, Ch, V>
  | Referred<O, Ch>
  | Uncertain<O, Ch>;
