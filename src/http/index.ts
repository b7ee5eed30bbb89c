// `secours/http`: problem details, the status feed, the admin endpoint and the browser status
// client. Fetch API only (Request, Response, ReadableStream): Node ≥ 20, browsers, edge runtimes.
// The node:http adapter lives in `secours/http/node`.

export { type AdminHandlerOptions, adminHandler, type OutageTarget } from './admin-handler.js';
export {
  type ConnectStatusOptions,
  connectStatus,
  type RemoteStatusTarget,
  type StatusStore,
} from './connect-status.js';
export {
  type HeadersLike,
  type LanguageSource,
  MAX_ACCEPT_LANGUAGE,
  MAX_LANGUAGE_RANGES,
  type NegotiateOptions,
  type NodeHeaders,
  negotiateLocale,
} from './negotiate-locale.js';
export {
  PROBLEM_JSON,
  PROBLEM_TYPE_BASE,
  type Problem,
  type ProblemOptions,
  problemResponse,
  toProblem,
} from './problem.js';
export type { LocaleChoice } from './problem-locale.js';
export {
  type Connection,
  createStatusClient,
  type EventSourceLike,
  type StatusClient,
  type StatusClientOptions,
  type StatusState,
} from './status-client.js';
export {
  type StatusHandler,
  type StatusHandlerOptions,
  type StatusSource,
  statusHandler,
} from './status-handler.js';
