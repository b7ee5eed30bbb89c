import type * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import type { ConfigIssue } from './errors.js';

/** `operations.transfer.routes[1].channel` from a path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

// zod/mini ships without messages ("Invalid input"); English ones are passed per parse rather
// than through z.config, which would change zod for the whole application.
const errorMap = en().localeError;

/** Parses with zod and turns its issues into ours, paths prefixed. */
export function parseWith<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): { data: z.infer<S>; issues: [] } | { data: undefined; issues: ConfigIssue[] } {
  const parsed = schema.safeParse(input, { error: errorMap });
  if (parsed.success) return { data: parsed.data, issues: [] };
  return {
    data: undefined,
    issues: parsed.error.issues.map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message })),
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Finds what a schema cannot see because zod reads properties through the prototype and skips
 * `__proto__` keys: objects whose prototype was replaced (a `{ __proto__: … }` literal) and
 * own `__proto__` keys (from JSON.parse). Either could smuggle in values nobody wrote.
 */
export function unsafeObjects(value: unknown, path: PropertyKey[] = [], out: ConfigIssue[] = []): ConfigIssue[] {
  if (typeof value !== 'object' || value === null) return out;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) {
      out.push({ path: formatPath(path), message: 'must be a plain array' });
    }
    value.forEach((v, i) => {
      unsafeObjects(v, [...path, i], out);
    });
    return out;
  }
  if (!isPlainObject(value)) {
    if (!(value instanceof Date)) {
      out.push({
        path: formatPath(path),
        message: 'must be a plain object (was its prototype changed by a `__proto__` key?)',
      });
    }
    return out;
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') {
      out.push({ path: formatPath([...path, key]), message: 'a `__proto__` key is not allowed' });
      continue;
    }
    unsafeObjects(value[key], [...path, key], out);
  }
  return out;
}
