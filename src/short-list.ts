/** How many names a message lists before it counts the rest. */
const SHOWN = 20;

/**
 * `a, b, c` for a message, at most `SHOWN` names then `… and 9980 more`: a catalogue with
 * 10,000 channels must not write all of them into each of its 10,000 problems.
 */
export function shortList(names: readonly string[]): string {
  if (names.length === 0) return '(none)';
  if (names.length <= SHOWN) return names.join(', ');
  return `${names.slice(0, SHOWN).join(', ')}, … and ${names.length - SHOWN} more`;
}
