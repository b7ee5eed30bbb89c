// The core entry point: browser-safe, no Node built-ins. Everything public is listed here.

export type { BreakerOptions } from './breaker/options.js';
export type { BreakerState } from './breaker/route-breaker.js';
export {
  type AnyCatalog,
  type Catalog,
  type CatalogInput,
  CHANNEL_KINDS,
  type Channel,
  type ChannelIdOf,
  type ChannelInput,
  type ChannelKind,
  type Contact,
  defineCatalog,
  type Hours,
  type Limits,
  type Operation,
  type OperationIdOf,
  type OperationInput,
  parseCatalog,
  type Route,
  type RouteChannelOf,
} from './catalog.js';
export {
  CancelledError,
  ConfigError,
  type ConfigIssue,
  InvalidInputError,
  isNotExecutedError,
  isSecoursError,
  NotExecutedError,
  RetryAfterError,
  RouterDisposedError,
  SecoursError,
  type SecoursErrorCode,
  TimeoutError,
  UnknownChannelError,
  UnknownOperationError,
} from './errors.js';
export type { AttemptEvent, BreakerEvent, OutageEvent, RouterEvents, Warning } from './events.js';
export { type Availability, availability, type Weekday } from './hours.js';
export {
  type AvailabilityFacts,
  type DescribeAvailabilityOptions,
  describeAvailability,
} from './i18n/describe-availability.js';
export { en } from './i18n/en.js';
export { fr } from './i18n/fr.js';
export { canonicalLocale } from './i18n/locale.js';
export type { Messages, MessagesOption } from './i18n/messages.js';
export { LOCALES, type Locale, localise, type Text } from './i18n/text.js';
export type { Outage, OutageInput, OutageKind, TimeInput } from './outages.js';
export type {
  Alternative,
  Attempt,
  Outcome,
  ReferralCode,
  Referred,
  Served,
  SkipReason,
  Uncertain,
} from './outcome.js';
export type { HedgeOptions, Jitter, OperationPolicy, Policies, RetryOptions } from './policy-options.js';
export {
  type CallContext,
  type Classify,
  type Clock,
  createRouter,
  type ErrorClass,
  type Handler,
  type HandlerContext,
  type Handlers,
  type InputOf,
  type Plan,
  type RouteRef,
  type RouteRefOf,
  type Router,
  type RouterOptions,
  type ValueOf,
} from './router.js';
export type { ScopeOptions } from './scopes.js';
export type { ChannelSnapshot, ChannelStatus, OperationSnapshot, Snapshot } from './snapshot.js';
export type { StandardSchemaV1 } from './standard-schema.js';
