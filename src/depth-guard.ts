import type { ConfigIssue } from './errors.js';

/** How deep a configuration value may nest: a catalogue needs 6 levels, a scenario about 10. */
export const MAX_DEPTH = 64;
/** How many values (objects, arrays and what they hold) one configuration value may have. */
export const MAX_NODES = 100_000;

/** A value met on the walk, with the way back to the root for its path. */
interface Step {
  readonly value: unknown;
  readonly key: PropertyKey | undefined;
  readonly parent: Step | undefined;
  readonly depth: number;
}

/** Path keys from the root to `step`, root first. */
function keysOf(step: Step): PropertyKey[] {
  const keys: PropertyKey[] = [];
  for (let s: Step | undefined = step; s?.key !== undefined; s = s.parent) keys.push(s.key);
  return keys.reverse();
}

/** `channels.a.label.a.a.a.a.a…(54 more)…a.a`: a path 64 levels deep stays readable. */
function shortPath(keys: readonly PropertyKey[], format: (path: readonly PropertyKey[]) => string): string {
  if (keys.length <= 12) return format(keys);
  const tail = keys.slice(-2).map((k) => (typeof k === 'number' ? `[${k}]` : String(k)));
  return `${format(keys.slice(0, 8))}…(${keys.length - 10} more)…${tail.join('.').replace('.[', '[')}`;
}

function isContainer(value: unknown): value is Record<PropertyKey, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Walks `value` without recursion, calling `visit` on every object met, and stops at the first
 * point deeper than `MAX_DEPTH` or once more than `MAX_NODES` values were met (a cycle is caught
 * by the depth bound). Returns the issue that stopped it, if any. Parsers (zod's included)
 * recurse, so a value must pass this before it reaches them: 4,000 levels overflow the stack.
 * Only plain objects and arrays are entered, and never through a `__proto__` key (which parsers
 * skip too; `unsafeObjects` reports it).
 */
export function walkBounded(
  value: unknown,
  format: (path: readonly PropertyKey[]) => string,
  visit?: (value: object, path: () => PropertyKey[]) => void,
): ConfigIssue | undefined {
  const stack: Step[] = [{ value, key: undefined, parent: undefined, depth: 0 }];
  const tooLarge = { path: format([]), message: `too large: more than ${MAX_NODES.toLocaleString('en')} values` };
  let nodes = 1;
  for (let step = stack.pop(); step; step = stack.pop()) {
    const current = step;
    if (typeof current.value !== 'object' || current.value === null) continue;
    visit?.(current.value, () => keysOf(current));
    if (!isContainer(current.value)) continue;
    const isArray = Array.isArray(current.value);
    const count = isArray ? (current.value as unknown[]).length : undefined;
    if (count !== undefined && nodes + count > MAX_NODES) return tooLarge;
    const keys = isArray ? Array.from({ length: count as number }, (_, i) => i) : Object.keys(current.value);
    if (keys.length === 0) continue;
    if (current.depth >= MAX_DEPTH) {
      let cycle = false;
      for (let s = current.parent; s && !cycle; s = s.parent) cycle = s.value === current.value;
      return {
        path: shortPath(keysOf(current), format),
        message: cycle ? 'refers to itself (a cycle)' : `nested more than ${MAX_DEPTH} levels deep`,
      };
    }
    nodes += keys.length;
    if (nodes > MAX_NODES) return tooLarge;
    // Pushed in reverse so the walk meets values in document order and reports the first problem first.
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string | number;
      if (key === '__proto__') continue;
      stack.push({ value: current.value[key], key, parent: current, depth: current.depth + 1 });
    }
  }
  return undefined;
}
