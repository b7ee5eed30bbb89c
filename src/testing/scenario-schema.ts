// The shape of a scenario file, as zod checks it (and as the shipped JSON Schema is generated
// from): a catalogue or a preset's name, a timeline, a traffic model, and the replay's bounds.
// Checks that need the whole scenario (times in order, channels of its catalogue) are in
// scenario.ts.
import * as z from 'zod/mini';
import { type AnyCatalog, textSchema } from '../catalog.js';
import { laPoste } from '../presets/la-poste.js';
/** Catalogues a scenario may name instead of carrying its own. */
export const PRESETS: Readonly<Record<string, AnyCatalog>> = Object.freeze({ 'la-poste': laPoste });

/** What one replay may cover: the shipped incidents span at most 36 hours and 7,000 calls. */
export const MAX_SPAN_DAYS = 31;
export const MAX_CALLS = 1_000_000;

const at = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with offset' });
const id = z.string().check(z.minLength(1, 'must not be empty'));
const share = z.number().check(z.gte(0, 'must be between 0 and 1'), z.lte(1, 'must be between 0 and 1'));
const ms = z.number().check(z.gte(0, 'must be 0 or more'));
const common = { at, operation: z.optional(id), channel: id, note: z.optional(z.string()) };

const eventSchema = z.discriminatedUnion('do', [
  z.strictObject({ do: z.enum(['down', 'up', 'hang', 'fail']), ...common }),
  z.strictObject({ do: z.literal('not-executed'), ...common, ms: z.optional(ms) }),
  z.strictObject({ do: z.literal('slow'), ...common, ms }),
  z.strictObject({ do: z.literal('flaky'), ...common, rate: share }),
  z.strictObject({
    do: z.literal('declare-outage'),
    at,
    note: z.optional(z.string()),
    // Checked in full against the catalogue by the router's own parser (see parseScenario).
    outage: z.looseObject({ id, reason: textSchema }),
  }),
  z.strictObject({ do: z.literal('end-outage'), at, note: z.optional(z.string()), id }),
]);

const profileSchema = z.strictObject({
  name: id,
  /** Share of people (0–1) in this profile; the rest have none. */
  share,
  /** Channels they cannot use (no smartphone, no internet, cannot travel). */
  exclude: z.array(id),
});

export const scenarioSchema = z.strictObject({
  /** The JSON Schema an editor checks the file against (`secours/schema/scenario.json`); ignored here. */
  $schema: z.optional(z.string()),
  /** A slug, used in file names and idempotency keys. */
  name: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lowercase letters, digits and -')),
  title: id,
  description: z.optional(z.string()),
  /** Where the facts come from. */
  sources: z.optional(z.array(z.string())),
  /** A preset's name (`la-poste`) or a catalogue. */
  catalog: z.union([z.string(), z.record(z.string(), z.unknown())]),
  start: at,
  end: at,
  /** For the report's clock times. @default 'Europe/Paris' */
  timeZone: z.optional(id),
  /** @default 60 */
  bucketMinutes: z.optional(z.int().check(z.gte(1, 'must be at least 1'))),
  /** @default 1 */
  seed: z.optional(z.int()),
  /** Breaker settings for the simulated router (opossum's names; validated by the router). */
  breaker: z.optional(z.record(z.string(), z.unknown())),
  /**
   * Channels given a simulated backend (a handler that answers after `latencyMs`). Routes on
   * other channels stay referrals. @default every digital and self-service channel
   */
  automated: z.optional(z.array(id)),
  /** @default 300 */
  latencyMs: z.optional(ms),
  /**
   * Channels given a probe (each an automated channel): it fails when the channel fails for
   * every operation on it (down, failing, or hanging past `probe.timeoutMs`), as a health
   * check of the channel would; `secours simulate` replays the scenario with and without them.
   */
  probes: z.optional(z.array(id)),
  /** The router's probe options. @default { intervalMs: 30_000, timeoutMs: 5_000 } */
  probe: z.optional(z.strictObject({ intervalMs: z.optional(ms), timeoutMs: z.optional(ms) })),
  timeline: z.array(eventSchema),
  traffic: z.strictObject({
    /** Requests per minute, per operation, arriving at random (Poisson) from the seed. */
    perMinute: z.record(z.string(), z.number().check(z.gt(0, 'must be more than 0'))),
    /** Channels nobody in this scenario can use (one that did not exist yet). */
    exclude: z.optional(z.array(id)),
    profiles: z.optional(z.array(profileSchema)),
    /** An amount per operation, checked against route limits. */
    amounts: z.optional(z.record(z.string(), ms)),
    /** @default 'en' */
    locale: z.optional(z.enum(['fr', 'en'])),
  }),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioEvent = z.output<typeof eventSchema>;
