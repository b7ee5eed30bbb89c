import type * as z from 'zod/mini';
import { crossCheck } from './catalog-checks.js';
import { catalogSchema, KINDS } from './catalog-schema.js';
import { ConfigError } from './errors.js';
import type { Hours } from './hours.js';
import type { Locale } from './i18n/locale.js';
import type { Text } from './i18n/text.js';
import { capIssues, fromJsonText, parseWith, shapeIssue } from './validate.js';

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

export { textSchema } from './catalog-schema.js';
export type { Hours } from './hours.js';
export { isTimeZone } from './time-zone.js';

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
  /**
   * How a person checks whether the operation went through on this channel when the outcome is
   * uncertain, e.g. "Look at your account history in the app before trying again".
   */
  readonly checkInstructions?: Text;
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
  /** The locale of last resort for its texts (a BCP 47 tag), before the first one a text has. @default 'fr' */
  readonly defaultLocale?: Locale;
  readonly channels: Readonly<Record<string, ChannelInput>>;
  readonly operations: Readonly<Record<string, OperationInput>>;
}

/**
 * A validated, frozen catalogue. `Ch` are its channel ids, `Ops` maps each operation id to the
 * channel ids of its routes, so handlers and calls are checked by the compiler.
 */
export interface Catalog<Ch extends string = string, Ops extends Record<string, string> = Record<string, string>> {
  /** Texts missing in the person's locale come in this one. @default 'fr' */
  readonly defaultLocale?: Locale;
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

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Catalogues this module validated and froze: `ensureCatalog` need not check them again. */
const validated = new WeakSet<object>();

/**
 * A table keyed by user-given ids, without a prototype: `channels.constructor` or
 * `operations.toString` is a channel or operation only when the catalogue declares one.
 */
function table<V>(entries: Record<string, V>): Record<string, V> {
  return Object.assign(Object.create(null) as Record<string, V>, entries);
}

/** `read()`, with whatever a getter or a proxy trap of the caller's value throws as a ConfigError. */
function reading<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('catalogue', [{ path: '', message: `could not be read: ${String(error)}` }]);
  }
}

function validate(input: unknown): AnyCatalog {
  const data = reading((): z.infer<typeof catalogSchema> => {
    // Too deep or too large for zod and for the checks below, which walk it too.
    const tooBig = shapeIssue(input);
    if (tooBig) throw new ConfigError('catalogue', [tooBig]);
    const parsed = parseWith(catalogSchema, input);
    const issues = capIssues([...parsed.issues, ...crossCheck(input)]);
    if (issues.length > 0 || !parsed.data) throw new ConfigError('catalogue', issues);
    return parsed.data;
  });
  // The checks above read the caller's value, and the catalogue is built from zod's copy of it: a
  // getter can answer each read differently. The copy is plain data, so checking it again proves
  // that what is kept holds together (every route names a declared channel, hours parse…).
  const again = crossCheck(data);
  if (again.length > 0) throw new ConfigError('catalogue', capIssues(again));
  const catalog = deepFreeze({
    ...(data.defaultLocale === undefined ? {} : { defaultLocale: data.defaultLocale }),
    channels: table(data.channels),
    operations: table(data.operations),
  });
  validated.add(catalog);
  return catalog as AnyCatalog;
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
  const value = reading(() => fromJsonText(json, 'catalogue'));
  return validate(value);
}

/**
 * The catalogue itself when `defineCatalog` or `parseCatalog` made it (checked once, in O(1)),
 * else the result of `parseCatalog(catalog)`: a raw object is validated here and a `ConfigError`
 * says what is wrong with it, before anything relies on it.
 */
export function ensureCatalog(catalog: unknown): AnyCatalog {
  if (typeof catalog === 'object' && catalog !== null && validated.has(catalog)) return catalog as AnyCatalog;
  return parseCatalog(catalog);
}
