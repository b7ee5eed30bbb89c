import * as z from 'zod/mini';
import { ConfigError, type ConfigIssue, knownList } from './errors.js';
import { parseInterval, WEEKDAYS, type Weekday } from './hours.js';
import type { Text } from './text.js';
import { fromJsonText, isPlainObject, parseWith, unsafeObjects } from './validate.js';

const KINDS = Object.freeze(['digital', 'self-service', 'phone', 'in-person'] as const);
/** How a channel gets the operation done, which says what a person does to use it. */
export type ChannelKind = (typeof KINDS)[number];
export const CHANNEL_KINDS: readonly ChannelKind[] = KINDS;

export interface Contact {
  /** A number a person can dial, e.g. `3639` or `+33 1 45 45 36 39`. */
  readonly phone?: string;
  readonly url?: string;
  /** A link that opens the right screen of an app, e.g. `labanquepostale://virement`. */
  readonly deepLink?: string;
}

/**
 * Weekly opening hours in an IANA time zone. A day that is absent or empty is closed.
 * @example { timeZone: 'Europe/Paris', weekly: { mon: ['08:30-12:00', '13:30-18:00'] }, closedDates: ['2026-12-25'] }
 */
export interface Hours {
  readonly timeZone: string;
  /** Intervals as `HH:MM-HH:MM`, in order, not overlapping; `24:00` ends a day. */
  readonly weekly: Readonly<Partial<Record<Weekday, readonly string[]>>>;
  /** Local dates (`YYYY-MM-DD`) on which the channel is closed all day. */
  readonly closedDates?: readonly string[];
}

export interface Channel {
  readonly kind: ChannelKind;
  readonly label: Text;
  readonly contact?: Contact;
  /** Absent: always open (a website, a 24/7 line). */
  readonly hours?: Hours;
  /** Shared systems this channel needs, e.g. `online-banking`: an outage of one takes it down. */
  readonly dependsOn?: readonly string[];
  /** A channel people cannot use themselves (a back-office API): never offered as an alternative. */
  readonly internal?: boolean;
  readonly notes?: Text;
  /** Facts about this channel that no official source confirmed (e.g. `hours`, `cost`). */
  readonly unverified?: readonly string[];
}

export interface Limits {
  /** The largest `ctx.amount` this route accepts. */
  readonly maxAmount?: number;
  /** The smallest `ctx.amount` this route accepts. */
  readonly minAmount?: number;
}

export interface Route<C extends string = string> {
  readonly channel: C;
  /** What the person does on this channel, e.g. "Say « virement » to the voice server". */
  readonly instructions?: Text;
  readonly limits?: Limits;
}

export interface Operation<C extends string = string> {
  readonly label: Text;
  /** Whether running it twice is harmless. Default `false`: the safe choice for money. */
  readonly idempotent: boolean;
  /** In order of preference: the first route is the normal way. */
  readonly routes: readonly Route<C>[];
}

export interface ChannelInput extends Channel {}
export interface OperationInput<C extends string = string> extends Omit<Operation<C>, 'idempotent'> {
  /** @default false */
  readonly idempotent?: boolean;
}
export interface CatalogInput {
  readonly channels: Readonly<Record<string, ChannelInput>>;
  readonly operations: Readonly<Record<string, OperationInput>>;
}

/**
 * A validated, frozen catalogue. `Ch` are its channel ids, `Ops` maps each operation id to the
 * channel ids of its routes, so handlers and calls are checked by the compiler.
 */
export interface Catalog<Ch extends string = string, Ops extends Record<string, string> = Record<string, string>> {
  readonly channels: { readonly [K in Ch]: Channel };
  readonly operations: { readonly [O in keyof Ops & string]: Operation<Ops[O]> };
}

// biome-ignore lint/suspicious/noExplicitAny: the widest catalogue, so any typed catalogue fits it
export type AnyCatalog = Catalog<any, any>;
export type ChannelIdOf<C extends AnyCatalog> = keyof C['channels'] & string;
export type OperationIdOf<C extends AnyCatalog> = keyof C['operations'] & string;
export type RouteChannelOf<
  C extends AnyCatalog,
  O extends OperationIdOf<C>,
> = C['operations'][O]['routes'][number]['channel'];

type CatalogOf<I extends CatalogInput> = Catalog<
  keyof I['channels'] & string,
  { [O in keyof I['operations'] & string]: I['operations'][O]['routes'][number]['channel'] & string }
>;

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const nonEmpty = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));
/** A user-facing text: a non-empty string, or one per locale with at least one. */
export const textSchema = z.union(
  [
    nonEmpty,
    z
      .strictObject({ fr: z.optional(nonEmpty), en: z.optional(nonEmpty) })
      .check(
        z.refine((t) => t.fr !== undefined || t.en !== undefined, 'needs a text in at least one locale (fr or en)'),
      ),
  ],
  { error: 'expected a text: a string, or { fr: "…", en: "…" }' },
);
// Shown to people as links: only web addresses, and no script in an app link.
const webUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });
const deepLink = nonEmpty.check(
  z.refine(
    (link) => !/^\s*(javascript|data|vbscript):/i.test(link),
    'must not be a javascript:, data: or vbscript: link',
  ),
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
      closedDates: z.optional(z.array(z.iso.date())),
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
  limits: z.optional(z.strictObject({ maxAmount: z.optional(amount), minAmount: z.optional(amount) })),
});

const operationSchema = z.strictObject({
  label: textSchema,
  idempotent: z._default(z.boolean(), false),
  routes: z.array(routeSchema).check(z.minLength(1, 'an operation needs at least one route')),
});

const catalogSchema = z.strictObject({
  channels: z.record(z.string(), channelSchema),
  operations: z.record(z.string(), operationSchema),
});

/**
 * What zod cannot see: ids that would be unsafe as keys, routes naming unknown channels,
 * duplicate routes, hours that do not parse or overlap, unknown time zones. Reads the raw
 * input defensively, so its problems are reported together with zod's.
 */
function crossCheck(input: unknown): ConfigIssue[] {
  const issues = unsafeObjects(input);
  if (!isPlainObject(input)) return issues;
  const channelIds = new Set<string>();
  for (const group of ['channels', 'operations'] as const) {
    const table = input[group];
    if (!isPlainObject(table)) continue;
    for (const id of Object.keys(table)) {
      // unsafeObjects already reported a `__proto__` key.
      if (!ID.test(id) && id !== '__proto__') {
        issues.push({
          path: `${group}.${id}`,
          message: `invalid id \`${id}\`: use letters, digits, '.', '_' or '-', starting with a letter or digit`,
        });
      }
      if (group === 'channels') channelIds.add(id);
    }
  }
  const channels = isPlainObject(input.channels) ? input.channels : {};
  for (const [id, channel] of Object.entries(channels)) {
    if (!isPlainObject(channel) || !isPlainObject(channel.hours)) continue;
    const hours = channel.hours;
    const at = `channels.${id}.hours`;
    if (typeof hours.timeZone === 'string' && hours.timeZone.trim() && !isTimeZone(hours.timeZone)) {
      issues.push({ path: `${at}.timeZone`, message: `unknown IANA time zone \`${hours.timeZone}\`` });
    }
    if (!isPlainObject(hours.weekly)) continue;
    for (const [day, intervals] of Object.entries(hours.weekly)) {
      if (!Array.isArray(intervals)) continue;
      let previousEnd = -1;
      intervals.forEach((interval, i) => {
        const path = `${at}.weekly.${day}[${i}]`;
        const parsed = typeof interval === 'string' ? parseInterval(interval) : undefined;
        if (!parsed) {
          issues.push({ path, message: `expected an interval like "08:30-19:00", got ${JSON.stringify(interval)}` });
          return;
        }
        if (parsed[0] < previousEnd) {
          issues.push({ path, message: `interval "${interval}" overlaps or comes before the previous one` });
        }
        previousEnd = parsed[1];
      });
    }
  }
  const operations = isPlainObject(input.operations) ? input.operations : {};
  for (const [id, operation] of Object.entries(operations)) {
    if (!isPlainObject(operation) || !Array.isArray(operation.routes)) continue;
    const seen = new Map<string, number>();
    operation.routes.forEach((route: unknown, i) => {
      if (!isPlainObject(route) || typeof route.channel !== 'string') return;
      const path = `operations.${id}.routes[${i}].channel`;
      if (!channelIds.has(route.channel)) {
        issues.push({
          path,
          message: `unknown channel \`${route.channel}\`; known channels: ${knownList([...channelIds])}`,
        });
      }
      const first = seen.get(route.channel);
      if (first !== undefined) {
        issues.push({ path, message: `duplicate route: channel \`${route.channel}\` is already routes[${first}]` });
      } else seen.set(route.channel, i);
      const limits = route.limits;
      if (isPlainObject(limits) && typeof limits.minAmount === 'number' && typeof limits.maxAmount === 'number') {
        if (limits.minAmount > limits.maxAmount) {
          issues.push({ path: `operations.${id}.routes[${i}].limits`, message: 'minAmount is larger than maxAmount' });
        }
      }
    });
  }
  return issues;
}

const timeZones = new Map<string, boolean>();
export function isTimeZone(tz: string): boolean {
  let known = timeZones.get(tz);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      known = true;
    } catch {
      known = false;
    }
    timeZones.set(tz, known);
  }
  return known;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Catalogues this module validated: `ensureCatalog` does not validate them twice. */
const validated = new WeakSet<object>();

function validate(input: unknown): AnyCatalog {
  const parsed = parseWith(catalogSchema, input);
  const issues = [...parsed.issues, ...crossCheck(input)];
  if (issues.length > 0 || !parsed.data) throw new ConfigError('catalogue', issues);
  const catalog = deepFreeze(parsed.data) as AnyCatalog;
  validated.add(catalog);
  return catalog;
}

/**
 * A checked catalogue: one from `defineCatalog` or `parseCatalog` as it is, anything else
 * (a raw object that never went through them) validated. Throws `ConfigError` with every problem.
 */
export function ensureCatalog(catalog: unknown): AnyCatalog {
  if (typeof catalog === 'object' && catalog !== null && validated.has(catalog)) return catalog as AnyCatalog;
  return validate(catalog);
}

/**
 * Validates a catalogue written in code and returns it frozen, with its ids as literal types.
 * Throws `ConfigError` listing every problem with its path.
 * @example
 * const catalog = defineCatalog({
 *   channels: { app: { kind: 'digital', label: { fr: "l'appli", en: 'the app' } } },
 *   operations: { transfer: { label: 'Virement', routes: [{ channel: 'app' }] } },
 * });
 */
export function defineCatalog<const I extends CatalogInput>(input: I): CatalogOf<I> {
  return validate(input) as CatalogOf<I>;
}

/** Validates a catalogue read at run time: JSON text or an already parsed value. */
export function parseCatalog(json: unknown): Catalog {
  const value = fromJsonText(json, 'catalogue');
  return validate(value);
}
