// `secours/prometheus`: the router's metrics through prom-client. Node only; `prom-client` is an
// optional peer dependency. Everything public is listed here.

export { type MetricsOptions, registerMetrics } from './register-metrics.js';
