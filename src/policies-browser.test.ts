// The browser build's stand-ins (tsup.config.ts resolves to them there): policies are refused
// with a clear typed error, never silently ignored.
import { expect, it } from 'vitest';
import { CallPolicy } from './engine/policy-runtime.browser.js';
import { ConfigError, InvalidInputError } from './errors.js';
import { POLICIES } from './policies-on.browser.js';
import { resolvePolicies } from './policy-options.browser.js';

it('the browser build runs no policy: router options are a ConfigError, ctx.timeoutMs an InvalidInputError', () => {
  expect(POLICIES).toBe(false);
  expect(resolvePolicies({}, undefined, undefined, undefined).size).toBe(0);
  for (const [retry, timeoutMs, policies] of [[{ maxRetries: 1 }], [undefined, 100], [undefined, undefined, {}]]) {
    expect(() => resolvePolicies({}, retry, timeoutMs, policies)).toThrow(ConfigError);
  }
  expect(() => new CallPolicy(undefined, { op: { id: 'balance' } })).toThrow(InvalidInputError);
});
