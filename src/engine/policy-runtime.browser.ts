// The browser build's stand-in for policy-runtime.ts (see tsup.config.ts): no call gets a
// policy there (policy-options.browser.ts refuses the options), except by `ctx.timeoutMs`.
import { InvalidInputError } from '../errors.js';
import { SERVER_ONLY } from '../policy-options.browser.js';

export type { PolicyHost } from './call-policy.js';
export type { HedgeHost } from './hedge.js';

export class CallPolicy {
  constructor(_host: unknown, call: { readonly op: { readonly id: string } }) {
    throw new InvalidInputError(call.op.id, [{ path: 'ctx.timeoutMs', message: SERVER_ONLY }]);
  }
}
// Only ever called on a call with a policy: never in this build.
export const retryStep = undefined;
export const abandonOthers = undefined;
export const landed = undefined;
export const tagged = undefined;
