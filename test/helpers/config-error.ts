import { expect } from 'vitest';
import { ConfigError } from '../../src/errors.js';

/** Runs `fn`, expects a ConfigError and returns it, so a test can look at its issues. */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}
