/**
 * RFC 9457 problem details for the outcomes a person must act on. Built from the outcome's
 * user-safe fields only: `attempts` (which may hold internal errors, stacks, hostnames) is never
 * read, so nothing internal can leak into a response.
 */
import { ConfigError } from '../errors.js';
import { checkMessages } from '../i18n/check-messages.js';
import { enTitles } from '../i18n/en.js';
import { frTitles } from '../i18n/fr.js';
import { LOCALES, type Locale } from '../i18n/locale.js';
import type { MessagesOption, TitleMessages } from '../i18n/messages.js';
import { type BuiltIn, resolveMessages } from '../i18n/words.js';
import type { Alternative, ReferralCode, Referred, Uncertain } from '../outcome.js';
import { type ChosenLocale, chooseLocale, type LocaleChoice } from './problem-locale.js';

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

export interface ProblemOptions extends LocaleChoice {
  /** The catalogues given to `createRouter({ messages })`, for titles in their locales. */
  messages?: MessagesOption | undefined;
  /** A URI for this occurrence, e.g. the request path or an id your logs know. */
  instance?: string | undefined;
  /** For `Retry-After` in seconds. @default Date.now */
  now?: (() => number) | undefined;
}

/** Where the `type` URIs of secours live: stable, not meant to be fetched. */
export const PROBLEM_TYPE_BASE = 'urn:secours:problem:';

const BUILT_IN_TITLES: BuiltIn<TitleMessages> = { fr: frTitles, en: enTitles };

const TITLES: Record<ReferralCode | 'uncertain', keyof TitleMessages> = {
  outage: 'titleOutage',
  unavailable: 'titleUnavailable',
  closed: 'titleClosed',
  'not-for-this-request': 'titleNotForThisRequest',
  manual: 'titleManual',
  cancelled: 'titleCancelled',
  deadline: 'titleDeadline',
  uncertain: 'titleUncertain',
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

/** The locales with words for this title: the built-in ones and those `messages` gives it in. */
function titleLocales(messages: MessagesOption | undefined, title: keyof TitleMessages): readonly Locale[] {
  if (messages === undefined) return LOCALES;
  const given = Object.keys(messages).filter((tag) => {
    const catalogue = messages[tag];
    return catalogue !== undefined && Object.hasOwn(catalogue, title) && !LOCALES.includes(tag);
  });
  return given.length ? [...LOCALES, ...given] : LOCALES;
}

/** The `messages` option checked as createRouter checks it: a bad one is a ConfigError. */
function checkedMessages(given: unknown): MessagesOption | undefined {
  if (given === undefined) return undefined;
  const { messages, issues } = checkMessages(given);
  if (issues.length) throw new ConfigError('problem details', issues);
  return messages;
}

/**
 * The problem details for a referred (503) or uncertain (504) outcome.
 * @example
 * if (outcome.kind !== 'served') return problemResponse(outcome, { locale: 'en' });
 */
export function toProblem(outcome: Referred | Uncertain, options: ProblemOptions = {}): Problem {
  return problemIn(outcome, options).problem;
}

/** The problem and the locale its title is in (Content-Language names that one). */
function problemIn(outcome: Referred | Uncertain, options: ProblemOptions): { problem: Problem } & ChosenLocale {
  checkOutcome(outcome);
  const key = outcome.kind === 'referred' ? outcome.code : 'uncertain';
  const messages = checkedMessages(options.messages);
  const chosen = chooseLocale(options, titleLocales(messages, TITLES[key]));
  const locale = chosen.locale;
  const title = resolveMessages(BUILT_IN_TITLES, locale, messages)[TITLES[key]];
  const base = {
    type: `${PROBLEM_TYPE_BASE}${outcome.kind === 'referred' ? `referred:${outcome.code}` : 'uncertain'}`,
    title,
    // 504: a gateway (this service) did not get a timely, certain answer from upstream.
    status: outcome.kind === 'referred' ? 503 : 504,
    detail: outcome.reason,
    ...(options.instance === undefined ? {} : { instance: options.instance }),
    operation: outcome.operation,
  };
  if (outcome.kind === 'uncertain') {
    const problem: Problem = {
      ...base,
      reference: outcome.reference,
      ...(typeof outcome.checkInstructions === 'string' ? { checkInstructions: outcome.checkInstructions } : {}),
      alternatives: outcome.alternatives,
    };
    return { problem, ...chosen };
  }
  const problem: Problem = {
    ...base,
    code: outcome.code,
    alternatives: outcome.alternatives,
    ...(outcome.retryAfter === undefined ? {} : { retryAfter: outcome.retryAfter }),
  };
  return { problem, ...chosen };
}

/** `Retry-After` in seconds (RFC 9110): never negative, rounded up so a client never comes early. */
export function retryAfterSeconds(at: string, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(at) - now) / 1000));
}

/**
 * A `Response` with the problem details: 503 (with `Retry-After` when known) or 504, saying its
 * language in `Content-Language`, and `Vary: Accept-Language` when it was chosen for the request.
 * @example
 * if (outcome.kind !== 'served') return problemResponse(outcome, { request }); // title in the request's language
 */
export function problemResponse(outcome: Referred | Uncertain, options: ProblemOptions = {}): Response {
  const { problem, locale, fromRequest } = problemIn(outcome, options);
  const headers = new Headers({
    'content-type': PROBLEM_JSON,
    'cache-control': 'no-store',
    'content-language': locale,
  });
  if (fromRequest) headers.set('vary', 'accept-language');
  if (problem.retryAfter !== undefined) {
    headers.set('retry-after', String(retryAfterSeconds(problem.retryAfter, (options.now ?? Date.now)())));
  }
  return new Response(JSON.stringify(problem), { status: problem.status, headers });
}

/** A problem response for the handlers' own refusals (401, 400, 413…): their words are English. */
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
    headers: { 'content-type': PROBLEM_JSON, 'cache-control': 'no-store', 'content-language': 'en', ...headers },
  });
}
