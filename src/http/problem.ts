/**
 * RFC 9457 problem details for the outcomes a person must act on. Built from the outcome's
 * user-safe fields only: `attempts` (which may hold internal errors, stacks, hostnames) is never
 * read, so nothing internal can leak into a response.
 */
import { ConfigError } from '../errors.js';
import type { Alternative, ReferralCode, Referred, Uncertain } from '../outcome.js';
import { DEFAULT_LOCALE, isLocale, type Locale } from '../text.js';

export const PROBLEM_JSON = 'application/problem+json';

/** A problem details object, with secours' extension members. */
export interface Problem {
  /** A URI naming the kind of problem; the same `title` always goes with it. */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  /** This occurrence, for the person: localised, never an internal error message. */
  readonly detail: string;
  readonly instance?: string;
  readonly operation?: string;
  /** `referred`: why, stable to branch on. */
  readonly code?: ReferralCode;
  /** What the person can do instead: open first, never one that is down. */
  readonly alternatives?: readonly Alternative[];
  /** When an automated route may work again (ISO 8601). */
  readonly retryAfter?: string;
  /** `uncertain`: the reference to quote when checking what happened. */
  readonly reference?: string;
  /** `uncertain`: how to check whether it went through, when the route says. */
  readonly checkInstructions?: string;
  /** Bad requests: every problem found, with where. */
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
}

export interface ProblemOptions {
  /** The language of `title`; `detail` and the alternatives are in the call's own locale. @default 'fr' */
  locale?: Locale | undefined;
  /** A URI for this occurrence, e.g. the request path or an id your logs know. */
  instance?: string | undefined;
  /** For `Retry-After` in seconds. @default Date.now */
  now?: (() => number) | undefined;
}

/** Where the `type` URIs of secours live: stable, not meant to be fetched. */
export const PROBLEM_TYPE_BASE = 'urn:secours:problem:';

const TITLES: Record<ReferralCode | 'uncertain', Record<Locale, string>> = {
  outage: { fr: 'Service interrompu', en: 'Service interrupted' },
  unavailable: { fr: 'Service momentanément indisponible', en: 'Service temporarily unavailable' },
  closed: { fr: 'Service fermé pour le moment', en: 'Service closed right now' },
  'not-for-this-request': {
    fr: 'Impossible en ligne pour cette demande',
    en: 'Not possible online for this request',
  },
  manual: { fr: 'À faire par un autre moyen', en: 'To be done another way' },
  cancelled: { fr: 'Demande annulée', en: 'Request cancelled' },
  deadline: { fr: 'Pas de réponse à temps', en: 'No answer in time' },
  uncertain: { fr: 'Issue incertaine : vérifiez avant de réessayer', en: 'Outcome uncertain: check before retrying' },
};

function checkOutcome(outcome: unknown): asserts outcome is Referred | Uncertain {
  const kind = (outcome as { kind?: unknown } | null)?.kind;
  if (kind !== 'referred' && kind !== 'uncertain') {
    throw new ConfigError('problem details', [
      {
        path: 'outcome.kind',
        message: `expected a referred or uncertain outcome, got ${JSON.stringify(kind)}: a served outcome is not a problem`,
      },
    ]);
  }
  const code = (outcome as { code?: unknown }).code;
  // An own key only: `constructor` or `__proto__` would find Object.prototype's members.
  if (kind === 'referred' && (typeof code !== 'string' || code === 'uncertain' || !Object.hasOwn(TITLES, code))) {
    throw new ConfigError('problem details', [
      {
        path: 'outcome.code',
        message: `expected a referral code (${Object.keys(TITLES).join(', ')}), got ${JSON.stringify(code)}`,
      },
    ]);
  }
}

/**
 * The problem details for a referred (503) or uncertain (504) outcome.
 * @example
 * if (outcome.kind !== 'served') return problemResponse(outcome, { locale: 'en' });
 */
export function toProblem(outcome: Referred | Uncertain, options: ProblemOptions = {}): Problem {
  checkOutcome(outcome);
  const locale = isLocale(options.locale) ? options.locale : DEFAULT_LOCALE;
  const key = outcome.kind === 'referred' ? outcome.code : 'uncertain';
  const base = {
    type: `${PROBLEM_TYPE_BASE}${outcome.kind === 'referred' ? `referred:${outcome.code}` : 'uncertain'}`,
    title: TITLES[key][locale],
    // 504: a gateway (this service) did not get a timely, certain answer from upstream.
    status: outcome.kind === 'referred' ? 503 : 504,
    detail: outcome.reason,
    ...(options.instance === undefined ? {} : { instance: options.instance }),
    operation: outcome.operation,
  };
  if (outcome.kind === 'uncertain') {
    return {
      ...base,
      reference: outcome.reference,
      ...(typeof outcome.checkInstructions === 'string' ? { checkInstructions: outcome.checkInstructions } : {}),
      alternatives: outcome.alternatives,
    };
  }
  return {
    ...base,
    code: outcome.code,
    alternatives: outcome.alternatives,
    ...(outcome.retryAfter === undefined ? {} : { retryAfter: outcome.retryAfter }),
  };
}

/** `Retry-After` in seconds (RFC 9110): never negative, rounded up so a client never comes early. */
export function retryAfterSeconds(at: string, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(at) - now) / 1000));
}

/** A `Response` with the problem details: 503 (with `Retry-After` when known) or 504. */
export function problemResponse(outcome: Referred | Uncertain, options: ProblemOptions = {}): Response {
  const problem = toProblem(outcome, options);
  const headers = new Headers({ 'content-type': PROBLEM_JSON, 'cache-control': 'no-store' });
  if (problem.retryAfter !== undefined) {
    headers.set('retry-after', String(retryAfterSeconds(problem.retryAfter, (options.now ?? Date.now)())));
  }
  return new Response(JSON.stringify(problem), { status: problem.status, headers });
}

/** A problem response for the handlers' own refusals (401, 400, 413…). */
export function errorResponse(
  status: number,
  title: string,
  detail: string,
  extra: Partial<Problem> = {},
  headers: Record<string, string> = {},
): Response {
  const body: Problem = {
    type: 'about:blank',
    title,
    status,
    detail,
    ...extra,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': PROBLEM_JSON, 'cache-control': 'no-store', ...headers },
  });
}
