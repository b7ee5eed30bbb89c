import type * as z from 'zod/mini';
import { isPlainObject, walkBounded } from './depth-guard.js';

export { isPlainObject };

import { ConfigError, type ConfigIssue } from './errors.js';
import { shortList as knownList } from './short-list.js';

/** How many problems a `ConfigError` lists; the rest are counted in one last line. */
export const MAX_ISSUES = 20;

/** The summary lines `capIssues` wrote, with how many issues each stands for. */
const omitted = new WeakMap<ConfigIssue, number>();

/**
 * The first `MAX_ISSUES` issues and one line that counts the others (`unlisted` more were never
 * turned into issues), so 100,000 bad entries give a short error. Lists already capped can be
 * joined and capped again: their summary lines are counted, not listed.
 */
export function capIssues(issues: readonly ConfigIssue[], unlisted = 0): ConfigIssue[] {
  const listed: ConfigIssue[] = [];
  let more = unlisted;
  for (const issue of issues) {
    const count = omitted.get(issue);
    if (count !== undefined) more += count;
    else if (listed.length < MAX_ISSUES) listed.push(issue);
    else more++;
  }
  if (more === 0) return listed;
  const summary = { path: '', message: `… and ${more} more problems` };
  omitted.set(summary, more);
  return [...listed, summary];
}

/** How many problems `issues` stands for, counting those a summary line of `capIssues` left out. */
export function issueCount(issues: readonly ConfigIssue[]): number {
  let count = 0;
  for (const issue of issues) count += omitted.get(issue) ?? 1;
  return count;
}

/**
 * The one bound every parse goes through, before zod (which recurses) sees the value: at most
 * `MAX_DEPTH` levels and `MAX_NODES` values (see depth-guard.ts). Undefined when within them.
 */
export function shapeIssue(value: unknown, prefix: readonly PropertyKey[] = []): ConfigIssue | undefined {
  return walkBounded(value, (keys) => formatPath([...prefix, ...keys]));
}

/**
 * JSON text parsed, anything else as it is, within the bounds of `shapeIssue`: `subject` names it
 * in the `ConfigError` for bad text or a value too deep or too large.
 */
export function fromJsonText(input: unknown, subject: string): unknown {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new ConfigError(subject, [{ path: '', message: `not valid JSON: ${(error as Error).message}` }]);
    }
  }
  const issue = shapeIssue(value);
  if (issue) throw new ConfigError(subject, [issue]);
  return value;
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
      // A missing field is "required", not "expected string, got undefined".
      if (issue.input === undefined) return 'required';
      return issue.expected === 'int' && typeof issue.input === 'number'
        ? `expected an integer, got ${issue.input}`
        : // NaN and Infinity are numbers zod refuses: "got number" would say nothing.
          `expected ${issue.expected}, got ${typeof issue.input === 'number' ? issue.input : typeOf(issue.input)}`;
    case 'too_small':
      return bound(issue.minimum, issue.inclusive, 'at least');
    case 'too_big':
      return bound(issue.maximum, issue.inclusive, 'at most');
    case 'invalid_value':
      return `expected one of: ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `expected ${issue.format === 'date' ? 'a date as YYYY-MM-DD' : `a valid ${issue.format}`}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys?.length === 1 ? '' : 's'}: ${knownList((issue.keys ?? []).map((k) => `"${k}"`))}`;
    case 'invalid_union':
      if (issue.input === undefined) return 'required';
      // JSON writes NaN and Infinity as null.
      return `${typeOf(issue.input)} ${typeof issue.input === 'number' ? issue.input : (JSON.stringify(issue.input)?.slice(0, 40) ?? '')} matches none of the allowed forms`;
    default:
      return undefined;
  }
}

/**
 * Parses with zod and turns its issues into ours, paths prefixed, at most `MAX_ISSUES` of them
 * (and a count of the rest). A value too deep or too large for `shapeIssue` never reaches zod.
 */
export function parseWith<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): { data: z.infer<S>; issues: [] } | { data: undefined; issues: ConfigIssue[] } {
  const tooBig = shapeIssue(input, prefix);
  if (tooBig) return { data: undefined, issues: [tooBig] };
  const parsed = schema.safeParse(input, { error: errorMap });
  if (parsed.success) return { data: parsed.data, issues: [] };
  const issues = parsed.error.issues;
  const shown = issues
    .slice(0, MAX_ISSUES)
    .map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message }));
  return { data: undefined, issues: capIssues(shown, issues.length - shown.length) };
}

/**
 * Finds what a schema cannot see because zod reads properties through the prototype and skips
 * `__proto__` keys: objects whose prototype was replaced (a `{ __proto__: … }` literal) and
 * own `__proto__` keys (from JSON.parse). Either could smuggle in values nobody wrote. Walks
 * within the bounds of `shapeIssue` and stops quietly past them: `parseWith` reports those.
 */
export function unsafeObjects(value: unknown, path: readonly PropertyKey[] = []): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  walkBounded(value, formatPath, (object, pathOf) => {
    const at = (...keys: PropertyKey[]) => formatPath([...path, ...pathOf(), ...keys]);
    if (Array.isArray(object)) {
      if (Object.getPrototypeOf(object) !== Array.prototype) out.push({ path: at(), message: 'must be a plain array' });
    } else if (!isPlainObject(object)) {
      if (!(object instanceof Date)) {
        out.push({ path: at(), message: 'must be a plain object (was its prototype changed by a `__proto__` key?)' });
      }
    } else if (Object.hasOwn(object, '__proto__')) {
      out.push({ path: at('__proto__'), message: 'a `__proto__` key is not allowed' });
    }
  });
  return out;
}

/**
 * The one way an integration reads its options: `schema` (a zod/mini object, strict so a
 * misspelt option is named) checked within the size bounds, every problem thrown at once as a
 * `ConfigError` about `<subject> options`, with its path. `undefined` reads as `{}`.
 */
export function readOptions<S extends z.ZodMiniType>(schema: S, options: unknown, subject: string): z.infer<S> {
  const parsed = parseWith(schema, options ?? {});
  if (parsed.data === undefined) throw new ConfigError(`${subject} options`, parsed.issues);
  return parsed.data;
}
