import type { ConfigIssue } from './errors.js';

/**
 * One issue per own key of `options` that is not in `known`. Types catch a typo (`handler` for
 * `handlers`) only in TypeScript; JavaScript or options read from a file would otherwise get a
 * router that silently ignores the misspelt part, e.g. one without a single handler.
 */
export function unknownOptionIssues(options: object, known: readonly string[]): ConfigIssue[] {
  return Object.keys(options)
    .filter((key) => !known.includes(key))
    .map((key) => ({ path: key, message: `unknown option; the options are ${known.join(', ')}` }));
}
