import * as z from 'zod/mini';

/**
 * `z.int()` as zod checks it, issue for issue (int.test.ts holds the two side by side), without
 * zod's table of number formats (int32, uint64, float32… and their ranges): that costs 0.4 KB
 * gzipped of the browser core, for a few integer options. Not for a schema turned into JSON
 * Schema (the scenario file's): there this one reads as a number, not an integer.
 */
export const int = () =>
  z.number().check(
    z.check((payload) => {
      const input = payload.value as number;
      if (!Number.isInteger(input)) {
        payload.issues.push({ code: 'invalid_type', expected: 'int', format: 'safeint', input, continue: false });
      } else if (!Number.isSafeInteger(input)) {
        const note = 'Integers must be within the safe integer range.';
        const bound = { input, origin: 'int', inclusive: true, note, continue: true } as const;
        payload.issues.push(
          input > 0
            ? { ...bound, code: 'too_big', maximum: Number.MAX_SAFE_INTEGER }
            : { ...bound, code: 'too_small', minimum: Number.MIN_SAFE_INTEGER },
        );
      }
    }),
  );
