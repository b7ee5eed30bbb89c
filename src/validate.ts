import type * as z from 'zod/mini';
import { ConfigError, type ConfigIssue } from './errors.js';

/** JSON text parsed, anything else as it is: `subject` names it in the `ConfigError` for bad text. */
export function fromJsonText(input: unknown, subject: string): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch (error) {
    throw new ConfigError(subject, [{ path: '', message: `not valid JSON: ${(error as Error).message}` }]);
  }
}

/** `operations.transfer.routes[1].channel` from a path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return Number.isNaN(value) ? 'NaN' : typeof value;
}

interface Issue {
  code?: string;
  input?: unknown;
  expected?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  origin?: string;
  values?: readonly unknown[];
  format?: string;
  keys?: readonly string[];
}

/**
 * zod/mini ships without messages ("Invalid input"). These few say what was wrong; they are
 * passed per parse rather than through z.config, which would change zod for the whole
 * application (and zod's English locale would cost more than all of this).
 */
function errorMap(issue: Issue): string | undefined {
  const bound = (n: number | bigint | undefined, inclusive: boolean | undefined, word: string) =>
    issue.origin === 'string'
      ? `must have ${word} ${n} character${n === 1 ? '' : 's'}`
      : issue.origin === 'array'
        ? `must have ${word} ${n} item${n === 1 ? '' : 's'}`
        : `must be ${word === 'at least' ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<'} ${n}`;
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' && typeof issue.input === 'number'
        ? `expected an integer, got ${issue.input}`
        : `expected ${issue.expected}, got ${typeOf(issue.input)}`;
    case 'too_small':
      return bound(issue.minimum, issue.inclusive, 'at least');
    case 'too_big':
      return bound(issue.maximum, issue.inclusive, 'at most');
    case 'invalid_value':
      return `expected one of: ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `expected ${issue.format === 'date' ? 'a date as YYYY-MM-DD' : `a valid ${issue.format}`}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys?.length === 1 ? '' : 's'}: ${(issue.keys ?? []).map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union':
      return `${typeOf(issue.input)} ${JSON.stringify(issue.input)?.slice(0, 40) ?? ''} matches none of the allowed forms`;
    default:
      return undefined;
  }
}

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
