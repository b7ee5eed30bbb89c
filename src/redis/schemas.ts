// What may be read back from Redis. Anything else (a value corrupted by hand, written by another
// program or by a future version) is reported in a `warning` and ignored, never trusted.

import * as z from 'zod/mini';
import { textSchema } from '../catalog.js';
import { type Outage, outageIdSchema } from '../outages.js';
import { scopeProblem } from '../scopes.js';
import { parseWith } from '../validate.js';
import { NAME } from './keys.js';

const catalogId = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/));
export const instanceIdSchema = z.string().check(z.regex(NAME));
const iso = z.iso.datetime({ offset: true });

/** An outage as one instance wrote it, with the instance that declared it. */
export const storedOutageSchema = z.strictObject({
  id: outageIdSchema,
  kind: z.enum(['outage', 'maintenance']),
  channels: z.array(catalogId),
  operations: z.array(catalogId),
  systems: z.array(catalogId),
  reason: textSchema,
  from: iso,
  until: z.optional(iso),
  declaredAt: iso,
  by: instanceIdSchema,
});
export type StoredOutage = z.infer<typeof storedOutageSchema>;

const scopeSchema = z.string().check(z.refine((s) => scopeProblem(s) === undefined, 'not a scope'));

/** A member of the trips set: who saw which route's breaker open (with its scope, for a scope's breaker). */
export const tripMemberSchema = z.union([
  z.tuple([catalogId, catalogId, instanceIdSchema]),
  z.tuple([catalogId, catalogId, instanceIdSchema, scopeSchema]),
]);

/** Scores come back from Redis as strings. */
const score = z.string().check(z.regex(/^-?\d+(\.\d+)?$/));

export type Read<T> = { ok: true; value: T } | { ok: false; problem: string };

function problemOf(issues: readonly { path: string; message: string }[]): string {
  return issues.map((i) => (i.path ? `${i.message} at ${i.path}` : i.message)).join('; ');
}

export function readJson<S extends z.ZodMiniType>(schema: S, raw: string): Read<z.infer<S>> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const parsed = parseWith(schema, value);
  return parsed.data === undefined
    ? { ok: false, problem: problemOf(parsed.issues) }
    : { ok: true, value: parsed.data };
}

export function readScore(raw: string): Read<number> {
  const parsed = parseWith(score, raw);
  return parsed.data === undefined ? { ok: false, problem: 'not a number' } : { ok: true, value: Number(raw) };
}

export function readInstanceId(raw: string): Read<string> {
  return instanceIdSchema.safeParse(raw).success
    ? { ok: true, value: raw }
    : { ok: false, problem: 'not an instance id' };
}

export function toStored(outage: Outage, by: string): StoredOutage {
  return {
    ...outage,
    channels: [...outage.channels],
    operations: [...outage.operations],
    systems: [...outage.systems],
    by,
  } as StoredOutage;
}
