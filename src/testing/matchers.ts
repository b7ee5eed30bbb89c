/**
 * Assertions on outcomes and routers, written once for any test runner that takes
 * `{ pass, message }` matchers (vitest, jest). `secours/testing/vitest` registers them.
 */
import type { Alternative, Outcome } from '../outcome.js';
import type { ChannelStatus, Snapshot } from '../snapshot.js';

export interface MatcherResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

/** What the matchers add to `expect(…)`. */
export interface SecoursMatchers<R = unknown> {
  /** The outcome is `served`, by `channel` when given. */
  toBeServedBy(channel?: string): R;
  /** The outcome is `referred` and offers these channels, in this order (others may come between). */
  toBeReferredTo(...channels: string[]): R;
  /** The outcome is `uncertain`, with this reference when given. */
  toBeUncertain(reference?: string): R;
  /** `expect(router)` or `expect(snapshot)`: the channel has this status now. */
  toHaveChannelStatus(channel: string, status: ChannelStatus): R;
}

function isOutcome(value: unknown): value is Outcome {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return (
    typeof value === 'object' && value !== null && (kind === 'served' || kind === 'referred' || kind === 'uncertain')
  );
}

function alternative(a: Alternative): string {
  const when = a.openNow
    ? a.closesAt
      ? `open until ${a.closesAt}`
      : 'open'
    : a.opensAt
      ? `closed, opens ${a.opensAt}`
      : 'closed';
  return `${a.channel} (${when}${a.status === 'operational' ? '' : `, ${a.status}`})`;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** An outcome as a person reading a test failure wants it: kind, where, why, what was offered, what was tried. */
export function describeOutcome(value: unknown): string {
  if (!isOutcome(value)) {
    let shown: string;
    try {
      shown = JSON.stringify(value) ?? String(value);
    } catch {
      shown = String(value);
    }
    return `not an outcome: ${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}`;
  }
  const lines: string[] = [];
  if (value.kind === 'served') {
    lines.push(`served by \`${value.channel}\`${value.degraded ? ' (degraded: not the first route)' : ''}`);
  } else if (value.kind === 'referred') {
    lines.push(`referred (code ${value.code}): ${JSON.stringify(value.reason)}`);
  } else {
    lines.push(`uncertain on \`${value.channel}\`, reference ${value.reference}`);
  }
  if (value.kind !== 'served') {
    lines.push(
      `  alternatives: ${value.alternatives.length ? value.alternatives.map(alternative).join(', ') : '(none)'}`,
    );
  }
  const attempts = value.attempts.map((a) =>
    a.result === 'skipped'
      ? `${a.channel} skipped (${a.why})`
      : `${a.channel} ${a.result}${a.error !== undefined ? ` (${errorText(a.error)})` : ''}`,
  );
  lines.push(`  attempts: ${attempts.length ? attempts.join(', ') : '(none)'}`);
  return lines.join('\n');
}

/** `[a, b]` in `list` in that order, not necessarily next to each other. */
function inOrder(list: readonly string[], wanted: readonly string[]): boolean {
  let from = 0;
  for (const w of wanted) {
    const i = list.indexOf(w, from);
    if (i < 0) return false;
    from = i + 1;
  }
  return true;
}

const not = (isNot: boolean) => (isNot ? 'not ' : '');

export function toBeServedBy(received: unknown, channel: string | undefined, isNot = false): MatcherResult {
  const pass =
    isOutcome(received) && received.kind === 'served' && (channel === undefined || received.channel === channel);
  return {
    pass,
    message: () =>
      `expected the outcome ${not(isNot)}to be served${channel === undefined ? '' : ` by \`${channel}\``}, but it was ${describeOutcome(received)}`,
    actual: isOutcome(received) && received.kind === 'served' ? received.channel : (received as Outcome)?.kind,
    expected: channel ?? 'served',
  };
}

export function toBeReferredTo(received: unknown, channels: readonly string[], isNot = false): MatcherResult {
  const offered =
    isOutcome(received) && received.kind === 'referred' ? received.alternatives.map((a) => a.channel) : [];
  const pass = isOutcome(received) && received.kind === 'referred' && inOrder(offered, channels);
  const to = channels.length ? ` to ${channels.map((c) => `\`${c}\``).join(', then ')}` : '';
  return {
    pass,
    message: () => `expected the outcome ${not(isNot)}to be referred${to}, but it was ${describeOutcome(received)}`,
    actual: offered,
    expected: channels,
  };
}

export function toBeUncertain(received: unknown, reference: string | undefined, isNot = false): MatcherResult {
  const pass =
    isOutcome(received) &&
    received.kind === 'uncertain' &&
    (reference === undefined || received.reference === reference);
  return {
    pass,
    message: () =>
      `expected the outcome ${not(isNot)}to be uncertain${reference === undefined ? '' : ` with reference ${reference}`}, but it was ${describeOutcome(received)}`,
  };
}

function snapshotOf(received: unknown): Snapshot | undefined {
  const r = received as { getSnapshot?: () => Snapshot; channels?: unknown; version?: unknown } | null;
  if (typeof r?.getSnapshot === 'function') return r.getSnapshot();
  if (r && typeof r.channels === 'object' && typeof r.version === 'number') return r as Snapshot;
  return undefined;
}

export function toHaveChannelStatus(
  received: unknown,
  channel: string,
  status: ChannelStatus,
  isNot = false,
): MatcherResult {
  const snapshot = snapshotOf(received);
  const entry = snapshot
    ? (snapshot.channels as Record<string, { status: ChannelStatus; reason?: unknown }>)[channel]
    : undefined;
  const pass = entry?.status === status;
  return {
    pass,
    message: () => {
      if (!snapshot) return 'expected a router or a snapshot';
      if (!entry) {
        return `expected channel \`${channel}\` ${not(isNot)}to be ${status}, but the catalogue has no such channel; channels: ${Object.keys(snapshot.channels).join(', ')}`;
      }
      const others = Object.entries(snapshot.channels as Record<string, { status: ChannelStatus }>)
        .filter(([, c]) => c.status !== 'operational')
        .map(([id, c]) => `${id} ${c.status}`);
      return `expected channel \`${channel}\` ${not(isNot)}to be ${status}, but it is ${entry.status}${
        others.length ? `\n  channels not operational: ${others.join(', ')}` : '\n  every channel is operational'
      }`;
    },
    actual: entry?.status,
    expected: status,
  };
}
