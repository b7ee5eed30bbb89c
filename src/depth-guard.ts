import type { ConfigIssue } from './errors.js';

/** How deep a configuration value may nest: a catalogue needs 6 levels, a scenario about 10. */
export const MAX_DEPTH = 64;
/** How many values (objects, arrays and what they hold) one configuration value may have. */
export const MAX_NODES = 100_000;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A value met on the walk: itself, its key, the step it was found in (for its path), its depth. */
type Step = [value: unknown, key: PropertyKey, parent: Step | undefined, depth: number];

function keysOf(step: Step): PropertyKey[] {
  const keys: PropertyKey[] = [];
  for (let s: Step | undefined = step; s?.[2]; s = s[2]) keys.unshift(s[1]);
  return keys;
}

/**
 * Walks `value` without recursion, calling `visit` on every object met, and stops at the first
 * point deeper than `MAX_DEPTH` (its path cut after 8 keys) or once more than `MAX_NODES`
 * values were met; a cycle stops at the depth bound. Returns the issue that stopped it, if any.
 * Parsers (zod's included) recurse, so a value must pass this before it reaches them: 4,000
 * levels overflow the stack. Only plain objects and arrays are entered, never through a
 * `__proto__` key (which parsers skip too; `unsafeObjects` reports it).
 */
export function walkBounded(
  value: unknown,
  format: (path: readonly PropertyKey[]) => string,
  visit?: (value: object, path: () => PropertyKey[]) => void,
): ConfigIssue | undefined {
  const stack: Step[] = [[value, '', undefined, 0]];
  let nodes = 1;
  for (let step = stack.pop(); step; step = stack.pop()) {
    const s = step;
    const v = s[0];
    if (typeof v !== 'object' || v === null) continue;
    visit?.(v, () => keysOf(s));
    const isArray = Array.isArray(v);
    if (!isArray && !isPlainObject(v)) continue;
    // An array's length is read before its items: a huge one is refused without a look at them.
    const keys = isArray ? v : Object.keys(v);
    nodes += keys.length;
    // The path names the container that crossed the bound, so a person knows what to shorten.
    if (nodes > MAX_NODES) return { path: format(keysOf(s)), message: `too large: more than ${MAX_NODES} values` };
    if (keys.length > 0 && s[3] >= MAX_DEPTH) {
      return { path: `${format(keysOf(s).slice(0, 8))}…`, message: `nested more than ${MAX_DEPTH} levels deep` };
    }
    // Pushed in reverse so the walk meets values in document order and reports the first problem first.
    for (let i = keys.length; i--; ) {
      const key = isArray ? i : (keys[i] as string);
      if (key !== '__proto__') stack.push([(v as Record<PropertyKey, unknown>)[key], key, s, s[3] + 1]);
    }
  }
  return undefined;
}
