// `secours/otel`: the router's metrics and spans through OpenTelemetry. Node and browsers;
// `@opentelemetry/api` is an optional peer dependency. Everything public is listed here.

export { instrument } from './instrument.js';
export type { InstrumentOptions } from './options.js';
