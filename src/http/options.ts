// The options of the HTTP integrations, each a strict zod/mini schema read by `readOptions`, so
// every integration checks its options the same way as the router and the fleet: a misspelt
// name, a wrong type or an out-of-range number is a ConfigError naming it, before anything runs.

import * as z from 'zod/mini';
import { MAX_DELAY } from '../deadlines.js';
import { int } from '../internal/int.js';

/** A length of time in ms that a timer can hold (past MAX_DELAY, setTimeout fires after 1 ms). */
const ms = z.number().check(z.positive('must be more than 0'), z.lte(MAX_DELAY, `must fit a timer (${MAX_DELAY} ms)`));
const count = int().check(z.positive('must be more than 0'));
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'expected a function');

export const statusHandlerSchema = z.strictObject({
  heartbeatMs: z._default(ms, 15_000),
  allowOrigin: z.optional(z.string().check(z.minLength(1))),
  maxQueuedEvents: z._default(count, 32),
});

export const statusClientSchema = z.strictObject({
  staleAfterMs: z._default(ms, 40_000),
  minRetryMs: z._default(ms, 1_000),
  maxRetryMs: z._default(ms, 30_000),
  EventSource: z.optional(fn),
  withCredentials: z._default(z.boolean(), false),
  onWarning: z.optional(fn),
});

/** The shortest bearer token the admin endpoint accepts. */
export const MIN_TOKEN = 16;

/**
 * What a Bearer header carries: RFC 6750's b64token (https://www.rfc-editor.org/rfc/rfc6750#section-2.1).
 * A secret with a space, a control or a non-ASCII character could never be presented, and the
 * operators would only see 401s in the middle of an incident.
 */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export const adminHandlerSchema = z.strictObject({
  token: z
    .string()
    .check(
      z.minLength(MIN_TOKEN, `expected a secret string of at least ${MIN_TOKEN} characters`),
      z.regex(
        B64TOKEN,
        'expected only letters, digits and - . _ ~ + / (then = padding), as an Authorization: Bearer header carries; hex or base64 from a secret generator will do',
      ),
    ),
  maxBodyBytes: z._default(count, 16_384),
  path: z._default(
    z
      .string()
      .check(
        z.regex(/^\/[^?#]*$/, "expected an absolute path such as '/admin/outages', without a query or a fragment"),
      ),
    '/admin/outages',
  ),
});

export const connectStatusSchema = z.strictObject({
  source: z._default(z.string().check(z.minLength(1)), 'status-feed'),
  onError: z.optional(fn),
});
