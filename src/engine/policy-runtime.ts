// What a call's retries, hedges and deadline run on, in one module the engine imports: the
// browser build swaps it for policy-runtime.browser.ts (see tsup.config.ts), so pages that
// never set a policy do not carry the code.
export { CallPolicy, type PolicyHost } from './call-policy.js';
export { abandonOthers, type HedgeHost, landed, tagged } from './hedge.js';
export { retryStep, takeRetry } from './retry.js';
