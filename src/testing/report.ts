import type { Hours } from '../catalog.js';
import { availability } from '../hours.js';
import type { ReferralCode } from '../outcome.js';
import type { ChannelStatus } from '../snapshot.js';

/** How the people of one operation (or of everything) fared, in one bucket or overall. */
export interface Counts {
  requests: number;
  /** Served by the operation's first route. */
  servedFirstRoute: number;
  /** Served by another automated route, the first being down, excluded or over its limits. */
  servedDegraded: number;
  /** Served by another route because the first was closed (opening hours): not a failure. */
  servedFirstClosed: number;
  referred: number;
  uncertain: number;
  /** Referred or uncertain, and offered at least one alternative open at that moment. */
  withOpenAlternative: number;
  /** Served, per channel. */
  servedBy: Record<string, number>;
  /** Referred or uncertain people offered this channel (each person counts once per channel). */
  offered: Record<string, number>;
  /** Referral codes. */
  codes: Partial<Record<ReferralCode, number>>;
}

/** A failure from the timeline: a chaos behaviour or a declared outage. */
export interface FailureReport {
  /** `counter`, `transfer/app`, or `outage:<id>`. */
  target: string;
  kind: 'chaos' | 'outage';
  /** What happened: `down`, `hang`… or the outage's kind. */
  what: string;
  /** Channels it took down. */
  channels: string[];
  /** ISO 8601. */
  from: string;
  /** When it ended (an `up`, an outage ended or expired); absent if still on at the end. */
  until?: string;
  /** First request that saw the breaker open, the outage or a remote report on one of its channels. */
  detectedAt?: string;
  detectAfterMs?: number;
  /** First request served again by one of its channels after it ended. */
  recoveredAt?: string;
  /** From the end of the failure to that request. */
  recoverAfterMs?: number;
}

export interface Bucket {
  /** ISO 8601. */
  start: string;
  end: string;
  all: Counts;
  operations: Record<string, Counts>;
}

export interface TimelineMark {
  /** ISO 8601. */
  at: string;
  label: string;
}

/** What `runScenario` returns: a function of the scenario and the seed alone. */
export interface ScenarioReport {
  scenario: {
    name: string;
    title: string;
    description?: string;
    sources: string[];
    catalog: string;
    start: string;
    end: string;
    timeZone: string;
    bucketMinutes: number;
    seed: number;
  };
  all: Counts & {
    /** `withOpenAlternative / (referred + uncertain)`; null when everyone was served. */
    shareWithOpenAlternative: number | null;
  };
  operations: Record<string, Counts>;
  buckets: Bucket[];
  failures: FailureReport[];
  /** Each channel's status over time, as the router's snapshot said it: changes only. */
  channels: Record<string, { at: string; status: ChannelStatus }[]>;
  /**
   * When each channel with opening hours was closed during the scenario (ISO 8601 spans): a
   * closed office is not a failure, and the snapshot's status does not say it.
   */
  closed: Record<string, ClosedSpan[]>;
  timeline: TimelineMark[];
}

export interface ClosedSpan {
  /** ISO 8601. */
  from: string;
  to: string;
}

/**
 * The spans of [start, end) during which `hours` say closed. Bounded: hours change at most a
 * few times a day, and a span that never reopens ends the walk.
 */
export function closedSpans(hours: Hours | undefined, start: number, end: number): ClosedSpan[] {
  if (!hours) return [];
  const spans: ClosedSpan[] = [];
  let t = start;
  for (let i = 0; t < end && i < 10_000; i++) {
    const a = availability(hours, t);
    const next = Math.min(end, (a.openNow ? a.closesAt : a.opensAt) ?? end);
    if (!a.openNow) spans.push({ from: new Date(t).toISOString(), to: new Date(next).toISOString() });
    // A change in the past or now would not move on: a minute later at least.
    t = next > t ? next : t + 60_000;
  }
  return spans;
}

export function emptyCounts(): Counts {
  return {
    requests: 0,
    servedFirstRoute: 0,
    servedDegraded: 0,
    servedFirstClosed: 0,
    referred: 0,
    uncertain: 0,
    withOpenAlternative: 0,
    servedBy: {},
    offered: {},
    codes: {},
  };
}

/** One person's outcome, reduced to what the report counts. */
export interface Tally {
  kind: 'served' | 'referred' | 'uncertain';
  degraded: boolean;
  /** Served elsewhere only because the first route was closed. */
  firstClosed: boolean;
  channel: string | undefined;
  offered: readonly string[];
  openAlternative: boolean;
  code: ReferralCode | undefined;
}

export function add(counts: Counts, t: Tally): void {
  counts.requests++;
  if (t.kind === 'served') {
    if (!t.degraded) counts.servedFirstRoute++;
    else if (t.firstClosed) counts.servedFirstClosed++;
    else counts.servedDegraded++;
    if (t.channel) counts.servedBy[t.channel] = (counts.servedBy[t.channel] ?? 0) + 1;
    return;
  }
  if (t.kind === 'referred') counts.referred++;
  else counts.uncertain++;
  if (t.openAlternative) counts.withOpenAlternative++;
  for (const ch of t.offered) counts.offered[ch] = (counts.offered[ch] ?? 0) + 1;
  if (t.code) counts.codes[t.code] = (counts.codes[t.code] ?? 0) + 1;
}

export function formatJson(report: ScenarioReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
