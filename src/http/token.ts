/**
 * Compares a presented secret with the expected one in time that depends only on the expected
 * secret's length, not on where they differ. Pure JavaScript (no node:crypto) so the admin
 * handler runs on edge runtimes and in browsers' service workers too.
 */
const encoder = new TextEncoder();

export function sameSecret(presented: string, expected: string): boolean {
  const a = encoder.encode(presented);
  const b = encoder.encode(expected);
  // Every byte of the expected secret is visited whatever the presented length, and a length
  // mismatch is folded into the same accumulator instead of returning early.
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= ((a[i] ?? 0) ^ (b[i] as number)) & 0xff;
  return diff === 0;
}
