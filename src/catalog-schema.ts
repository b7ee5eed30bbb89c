import * as z from 'zod/mini';
import { _isoDate } from 'zod/v4/core';
import { WEEKDAYS } from './hours.js';
import { canonicalLocale, LOCALE_EXPECTED } from './i18n/locale.js';
import { linkProblem } from './url-scheme.js';

/** The zod schemas of a catalogue: what each field may hold. `catalog-checks.ts` checks the rest. */

export const KINDS = Object.freeze(['digital', 'self-service', 'phone', 'in-person'] as const);

export const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const nonEmpty = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));
/** What is wrong with the tags of a text or a locale as written, if anything. */
function localeProblem(tags: readonly string[]): string | undefined {
  for (const tag of tags) {
    const canonical = canonicalLocale(tag);
    if (canonical !== tag)
      return `${JSON.stringify(tag)}: ${canonical ? `write the locale as "${canonical}"` : LOCALE_EXPECTED}`;
  }
  return tags.length ? undefined : 'needs a text in at least one locale, e.g. { fr: "…" }';
}
/** A locale as a catalogue writes it: a BCP 47 tag in its canonical form (`fr`, `en-GB`). */
export const localeSchema = z
  .string()
  .check(z.refine((tag) => !localeProblem([tag]), { error: (issue) => localeProblem([issue.input as string]) }));
/** A user-facing text: a non-empty string, or one per locale (any BCP 47 tag) with at least one. */
export const textSchema = z.union(
  [
    nonEmpty,
    z.record(z.string(), nonEmpty).check(
      z.refine((t) => !localeProblem(Object.keys(t)), {
        error: (issue) => localeProblem(Object.keys(issue.input as object)),
      }),
    ),
  ],
  { error: 'expected a text: a string, or { fr: "…", en: "…" }' },
);
const WEB = ['https', 'http'];
// Shown to people as links: only web addresses, and no script in an app link, read as a browser
// reads them (see url-scheme.ts).
const webUrl = nonEmpty.check(
  z.refine((url) => linkProblem(url, WEB) === undefined, { error: (issue) => linkProblem(String(issue.input), WEB) }),
);
const deepLink = nonEmpty.check(
  z.refine((link) => linkProblem(link) === undefined, { error: (issue) => linkProblem(String(issue.input)) }),
);
const amount = z.number().check(z.gte(0, 'must be 0 or more'));

const channelSchema = z.strictObject({
  kind: z.enum(KINDS, `expected one of: ${KINDS.join(', ')}`),
  label: textSchema,
  contact: z.optional(
    z.strictObject({ phone: z.optional(nonEmpty), url: z.optional(webUrl), deepLink: z.optional(deepLink) }),
  ),
  hours: z.optional(
    z.strictObject({
      timeZone: nonEmpty,
      weekly: z.partialRecord(z.enum(WEEKDAYS), z.array(z.string())),
      closedDates: z.optional(z.array(_isoDate(z.ZodMiniISODate))),
    }),
  ),
  dependsOn: z.optional(z.array(nonEmpty)),
  internal: z.optional(z.boolean()),
  notes: z.optional(textSchema),
  unverified: z.optional(z.array(nonEmpty)),
});

const routeSchema = z.strictObject({
  channel: nonEmpty,
  instructions: z.optional(textSchema),
  checkInstructions: z.optional(textSchema),
  limits: z.optional(z.strictObject({ maxAmount: z.optional(amount), minAmount: z.optional(amount) })),
});

const operationSchema = z.strictObject({
  label: textSchema,
  idempotent: z._default(z.boolean(), false),
  routes: z.array(routeSchema).check(z.minLength(1, 'an operation needs at least one route')),
});

export const catalogSchema = z.strictObject({
  // Where an editor finds this schema (`secours/schema/catalog.json`); read by nothing else.
  $schema: z.optional(z.string()),
  /** The locale of last resort for its texts, before the first one a text has. @default 'fr' */
  defaultLocale: z.optional(localeSchema),
  channels: z.record(z.string(), channelSchema),
  operations: z.record(z.string(), operationSchema),
});
