// What a person is told when nothing automated served: the code, the story, the alternatives
// and when to try again. The same for every call in the same state, so kept per operation
// until the state changes (its version) or an opening hour passes.

import type { Locale } from '../i18n/locale.js';
import type { Words } from '../i18n/words.js';
import { type Alternative, type Attempt, type ReferralCode, Referred } from '../outcome.js';
import type { ChannelStatus } from '../snapshot.js';
import { type CallView, downFor, type OpeningHours, scopeDownIn, slotFor, unusableFor } from './route-checks.js';
import type { OperationState, ReferralParts } from './state.js';

/** What a referral reads of a call. */
export interface ReferralCall extends CallView {
  readonly locale: Locale;
  readonly cancelledBy: 'signal' | 'dispose' | undefined;
  /** Its deadline passed. */
  readonly expired: boolean;
}

export interface ReferralHost {
  /** ms an open breaker waits before its trial. */
  readonly resetTimeout: number;
  now(): number;
  /** The state's version: parts computed in an older one are stale. */
  version(): number;
  /** Applies outages that started or ended since: the story must tell the current one. */
  refreshOutages(): void;
  /** A channel's status as the snapshot shows it, computed for that channel alone. */
  channelStatus(channel: string): ChannelStatus;
}

export class Referrals {
  declare private readonly host: ReferralHost;
  declare private readonly hours: OpeningHours;
  /** The words of a locale: the router's `messages` over the built-ins, the catalogue's texts. */
  declare readonly words: (locale: Locale) => Words;

  constructor(host: ReferralHost, hours: OpeningHours, words: (locale: Locale) => Words) {
    this.host = host;
    this.hours = hours;
    this.words = words;
  }

  referral(op: OperationState, call: ReferralCall, attempts: Attempt[], failed: Set<string> | undefined): Referred {
    const parts = this.parts(op, call, failed);
    return new Referred(op.id, parts.code, parts.reason, parts.alternatives, parts.retryAfter, attempts);
  }

  /**
   * The code, reason, alternatives and retry time of a referral. They depend only on the
   * router's state, the locale, the routes that failed in this call and the opening hours, so
   * they are kept per operation until the state changes (`version`) or an opening hour passes.
   * Calls with exclusions, an amount, a cancellation or a scope with a breaker down compute
   * them afresh.
   */
  parts(op: OperationState, call: ReferralCall, failed: Set<string> | undefined): ReferralParts {
    const now = this.host.now();
    let key: string | undefined;
    if (!call.exclude && call.amount === undefined && !call.cancelledBy && !call.expired && !scopeDownIn(op, call)) {
      // A scoped call sees its scope's breakers (none down here), not the routes' own.
      key = call.scope === undefined ? call.locale : `${call.locale}@`;
      if (failed) for (const r of op.routes) if (failed.has(r.channel)) key += `,${r.index}`;
      const cached = op.referrals.get(key);
      if (cached && cached.version === this.host.version() && now >= cached.from && now < cached.until) return cached;
    }
    // Read first: it may recompute outages and bump the version.
    // First: it may apply outages and bump the version.
    this.host.refreshOutages();
    const { code, reason } = this.why(op, call, failed, now);
    const alternatives = this.alternatives(op, call, failed, now);
    const retryAfter = this.retryAfter(op, call, now);
    let until = Number.POSITIVE_INFINITY;
    for (const r of op.routes) {
      const hours = r.channelDef.hours ? this.hours.until(r.channel) : undefined;
      if (hours !== undefined && hours < until) until = hours;
    }
    const parts: ReferralParts = {
      code,
      reason,
      alternatives,
      retryAfter,
      version: this.host.version(),
      from: now,
      until,
    };
    if (key !== undefined) {
      // Bounded by the locales × the subsets of routes that can fail in one call.
      if (op.referrals.size > 64) op.referrals.clear();
      op.referrals.set(key, parts);
    }
    return parts;
  }

  /** The story told to the person, from the most telling cause in the operation's order. */
  private why(
    op: OperationState,
    call: ReferralCall,
    failed: Set<string> | undefined,
    now: number,
  ): { code: ReferralCode; reason: string } {
    const words = this.words(call.locale);
    const say = words.messages;
    const label = words.text(op.def.label) as string;
    if (call.cancelledBy) return { code: 'cancelled', reason: say.cancelled() };
    if (call.expired) return { code: 'deadline', reason: say.deadline(label) };
    // Routes another router runs count: a page mirroring the server tells what the server would.
    const automated = op.routes.filter((r) => r.automated || r.remoteAutomated);
    const outage = op.routes.find((r) => r.blockedBy && (r.automated || r.remoteAutomated || r.index === 0))?.blockedBy;
    const unavailable = automated.filter(
      (r) => failed?.has(r.channel) || (downFor(r, call) && !call.exclude?.has(r.channel)),
    );
    if (outage && (unavailable.length === 0 || automated.some((r) => r.blockedBy))) {
      return { code: 'outage', reason: words.text(outage.reason) as string };
    }
    if (unavailable.length) {
      const where = words.list(unavailable.map((r) => words.text(r.channelDef.label) as string));
      return { code: 'unavailable', reason: say.unavailable(label, where) };
    }
    const closed = automated.filter(
      (r) => r.channelDef.hours && !unusableFor(r, call) && !this.hours.of(r.channel, r.channelDef, now).openNow,
    );
    if (closed.length) {
      const where = words.list(closed.map((r) => words.text(r.channelDef.label) as string));
      return { code: 'closed', reason: say.closed(label, where) };
    }
    if (automated.length) return { code: 'not-for-this-request', reason: say.notForThisRequest(label) };
    return { code: 'manual', reason: say.manual(label) };
  }

  /** When an automated route this person could use may work again. */
  private retryAfter(op: OperationState, call: ReferralCall, now: number): string | undefined {
    let at = Number.POSITIVE_INFINITY;
    for (const r of op.routes) {
      if (!(r.automated || r.remoteAutomated) || unusableFor(r, call)) continue;
      const slot = slotFor(r, call.scope);
      const downSince = slot.breakerDownSince;
      if (r.blockedBy) {
        if (r.blockedBy.until) at = Math.min(at, Date.parse(r.blockedBy.until));
      } else if (downSince !== undefined) {
        // Half-open: its trial may be the next call, so now (not an instant already past).
        at = Math.min(at, slot.breakerHalfOpen ? now : downSince + this.host.resetTimeout);
      } else if (r.channelDef.hours) {
        const opensAt = this.hours.of(r.channel, r.channelDef, now).opensAt;
        if (opensAt !== undefined) at = Math.min(at, opensAt);
      }
    }
    return Number.isFinite(at) ? new Date(at).toISOString() : undefined;
  }

  private alternatives(
    op: OperationState,
    call: ReferralCall,
    failed: Set<string> | undefined,
    now: number,
  ): readonly Alternative[] {
    const words = this.words(call.locale);
    const open: Alternative[] = [];
    const closed: Alternative[] = [];
    for (const route of op.routes) {
      const ch = route.channelDef;
      if (ch.internal || failed?.has(route.channel)) continue;
      if (downFor(route, call)) continue;
      if (unusableFor(route, call)) continue;
      const hours = this.hours.of(route.channel, ch, now);
      const alternative: Record<string, unknown> = {
        channel: route.channel,
        kind: ch.kind,
        label: words.text(ch.label),
      };
      const instructions = words.text(route.def.instructions);
      if (instructions !== undefined) alternative.instructions = instructions;
      if (ch.contact) alternative.contact = ch.contact;
      alternative.status = this.host.channelStatus(route.channel);
      alternative.openNow = hours.openNow;
      if (hours.opensAt !== undefined) alternative.opensAt = new Date(hours.opensAt).toISOString();
      if (hours.closesAt !== undefined) alternative.closesAt = new Date(hours.closesAt).toISOString();
      // What `opensAt` and `closesAt` are read in, to say them as a person there would.
      if (ch.hours) alternative.timeZone = ch.hours.timeZone;
      (hours.openNow ? open : closed).push(Object.freeze(alternative) as unknown as Alternative);
    }
    return Object.freeze(open.concat(closed));
  }
}
