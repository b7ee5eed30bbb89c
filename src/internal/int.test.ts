import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { parseWith } from '../validate.js';
import { int } from './int.js';

// Shaped like the options that use it: bounded, in a union, in a strict object.
const shapes = (make: () => z.ZodMiniNumber | z.ZodMiniNumberFormat) => [
  make(),
  make().check(z.positive('must be more than 0')),
  make().check(z.gte(0), z.lte(1000)),
  z.union([make().check(z.positive()), z.literal(false)]),
  z.strictObject({ n: z.optional(make().check(z.gte(0))) }),
];

const SPECIAL = [
  0,
  -0,
  1,
  -1,
  1.5,
  -2.5,
  1e21,
  2 ** 53,
  2 ** 53 - 1,
  -(2 ** 53),
  NaN,
  Infinity,
  -Infinity,
  '3',
  null,
  undefined,
  false,
  {},
  [],
];

describe('int()', () => {
  const ours = shapes(int);
  const zods = shapes(() => z.int());
  const same = (input: unknown) => {
    for (const [i, schema] of ours.entries()) {
      const zod = zods[i] as z.ZodMiniType;
      for (const value of [input, { n: input }]) expect(parseWith(schema, value)).toEqual(parseWith(zod, value));
    }
  };

  it('gives what z.int() gives, issue for issue', () => {
    for (const input of SPECIAL) same(input);
    expect(parseWith(ours[0] as z.ZodMiniType, 1.5).issues).toEqual([
      { path: '', message: 'expected an integer, got 1.5' },
    ]);
    expect(parseWith(ours[0] as z.ZodMiniType, 2 ** 60).issues).toEqual([
      { path: '', message: 'must be ≤ 9007199254740991' },
    ]);
  });

  it('agrees with z.int() on any value', () => {
    fc.assert(fc.property(fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger(), fc.anything()), same));
  });
});
