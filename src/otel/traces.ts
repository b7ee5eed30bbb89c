// The spans: one per `execute` call, one per handler run inside it, made from the engine's
// instrumentation hooks. The attempt's span is the active context while its handler runs, so
// the spans the handler makes (its HTTP client's, its database driver's) are its children.
//
// The hooks run on the call path and the engine does not guard them: everything OpenTelemetry
// is asked here is inside a try, and a tracer, span processor or exporter that throws costs the
// call its span (and a `warning`), never its outcome.
import {
  type Attributes,
  type Context,
  context,
  type Exception,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { Instrumentation, RunView } from '../engine/instrumentation.js';
import type { Attempt, Outcome, ReferralCode } from '../outcome.js';
import { attemptAttributes } from './attributes.js';

/**
 * Referral codes that mean the operation failed, for the span's status: its automated routes
 * were down or under a declared outage. The others are the catalogue's design (`manual`), the
 * clock (`closed`), the request (`not-for-this-request`) or the caller (`cancelled`): the call
 * did what it should, and its span stays UNSET, as OpenTelemetry's guidance keeps ERROR for an
 * operation that failed (https://opentelemetry.io/docs/specs/otel/trace/api/#set-status),
 * the way an HTTP server span stays UNSET on a 4xx.
 */
const FAILED_REFERRALS: ReadonlySet<ReferralCode> = new Set<ReferralCode>(['unavailable', 'outage']);

/** Attempt results that say the route failed. `cancelled` says nothing of it; `success`, all is well. */
const FAILED_RESULTS: ReadonlySet<string> = new Set(['failure', 'timeout', 'not-executed', 'rejection']);

interface CallSpan {
  readonly span: Span;
  /** The caller's context with this span in it: the parent of the attempts. */
  readonly context: Context;
}

/** What the span API takes of a thrown value: an Error as it is, anything else as a string. */
function asException(error: unknown): Exception {
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) return error as Exception;
  return String(error);
}

export interface TraceHooks {
  readonly hooks: Instrumentation;
  /** After it, no new span: calls in flight end without theirs (never exported). */
  stop(): void;
}

/** `onThrow` hears what OpenTelemetry threw (the router's `warning` event). */
export function traceHooks(tracer: Tracer, onThrow: (error: unknown) => void): TraceHooks {
  // Keyed by the engine's own objects: an entry goes with its call, ended or abandoned.
  const calls = new WeakMap<object, CallSpan>();
  /** Undefined for a run whose span failed to start: it has none, and gets none at its end. */
  const runs = new WeakMap<object, Span | undefined>();
  let stopped = false;

  const attemptSpan = (parent: CallSpan, run: RunView): Span =>
    tracer.startSpan(
      `secours.attempt ${run.channel}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          'secours.operation': run.operation,
          'secours.channel': run.channel,
          'secours.attempt': run.attempt,
        },
      },
      parent.context,
    );

  const hooks: Instrumentation = {
    callStarted(call, operation) {
      if (stopped) return;
      try {
        const parent = context.active();
        const span = tracer.startSpan(
          `secours.execute ${operation}`,
          { kind: SpanKind.INTERNAL, attributes: { 'secours.operation': operation } },
          parent,
        );
        calls.set(call, { span, context: trace.setSpan(parent, span) });
      } catch (error) {
        onThrow(error);
      }
    },

    attemptStarted(run, handler, input, ctx) {
      // The handler runs exactly once whatever OpenTelemetry does, and what it throws is caught
      // here, so no OpenTelemetry code sees it go by and the engine gets it as it was thrown.
      let called = false;
      let threw = false;
      let value: unknown;
      const once = () => {
        called = true;
        try {
          value = handler(input, ctx);
        } catch (error) {
          threw = true;
          value = error;
        }
      };
      try {
        const parent = stopped ? undefined : calls.get(run.call);
        if (parent !== undefined) {
          runs.set(run, undefined);
          const span = attemptSpan(parent, run);
          runs.set(run, span);
          context.with(trace.setSpan(parent.context, span), once);
        }
      } catch (error) {
        onThrow(error);
      }
      if (!called) once();
      if (threw) throw value;
      return value;
    },

    attemptEnded(run, attempt) {
      if (stopped || attempt.result === 'skipped') return;
      try {
        let span: Span | undefined;
        if (runs.has(run)) {
          span = runs.get(run);
          runs.delete(run);
        } else {
          // A half-open breaker refused the run before its handler started: a span of no length.
          const parent = calls.get(run.call);
          if (parent !== undefined) span = attemptSpan(parent, run);
        }
        if (span !== undefined) endAttempt(span, attempt);
      } catch (error) {
        onThrow(error);
      }
    },

    callSettling(call, outcome) {
      const end = (settled: Outcome | undefined, error: unknown) => {
        if (stopped) return;
        try {
          const entry = calls.get(call);
          if (entry === undefined) return;
          calls.delete(call);
          endCall(entry.span, settled, error);
        } catch (thrown) {
          onThrow(thrown);
        }
      };
      outcome.then(
        (settled) => end(settled, undefined),
        (error: unknown) => end(undefined, error),
      );
    },
  };
  return {
    hooks,
    stop() {
      stopped = true;
    },
  };
}

function endAttempt(span: Span, attempt: Exclude<Attempt, { result: 'skipped' }>): void {
  span.setAttributes(attemptAttributes(attempt) as Attributes);
  if (FAILED_RESULTS.has(attempt.result)) {
    if (attempt.error !== undefined) span.recordException(asException(attempt.error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: attempt.result });
  }
  span.end();
}

function endCall(span: Span, outcome: Outcome | undefined, error: unknown): void {
  if (outcome === undefined) {
    // The call rejected: a handler error classified as `'rejection'` (or a bug of ours).
    span.recordException(asException(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'rejection' });
    span.end();
    return;
  }
  const attributes: Attributes = { 'secours.outcome': outcome.kind };
  // Routes passed over without a run (breaker open, outage, excluded…): bounded, ids and reasons.
  const skipped: string[] = [];
  for (const a of outcome.attempts) if (a.result === 'skipped') skipped.push(`${a.channel}:${a.why}`);
  if (skipped.length > 0) attributes['secours.skipped'] = skipped;
  if (outcome.kind === 'served') {
    attributes['secours.channel'] = outcome.channel;
    attributes['secours.degraded'] = outcome.degraded;
  } else if (outcome.kind === 'uncertain') {
    attributes['secours.channel'] = outcome.channel;
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'uncertain' });
  } else {
    attributes['secours.referral.code'] = outcome.code;
    if (FAILED_REFERRALS.has(outcome.code)) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.code });
  }
  span.setAttributes(attributes);
  span.end();
}
