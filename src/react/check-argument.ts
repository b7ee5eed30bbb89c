// A hook given something that is not what it reads (a router, a status client) says so by name,
// before React calls into it and fails with "x.subscribe is not a function".
import { describeValue } from '../call-context.js';
import { ConfigError } from '../errors.js';

/**
 * Throws `ConfigError` (path: `argument`) unless `value` is an object with a function at each of
 * `methods`. Each property is read once; a proxy whose reads throw is refused the same way.
 */
export function checkArgument(
  hook: string,
  argument: string,
  what: string,
  value: unknown,
  methods: readonly string[],
) {
  let ok = typeof value === 'object' && value !== null;
  if (ok) {
    try {
      ok = methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new ConfigError(`${hook} argument`, [
      { path: argument, message: `expected ${what}, got ${describeValue(value)}` },
    ]);
  }
}
