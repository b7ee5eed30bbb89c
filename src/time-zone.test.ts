import { describe, expect, it } from 'vitest';
import { cachedZoneCount, isTimeZone } from './time-zone.js';

describe('the time-zone cache', () => {
  it('stays bounded however many zone names are tried', () => {
    for (let i = 0; i < 500; i++) {
      isTimeZone(`Nowhere/City${i}`);
      // IANA names are case-insensitive: each spelling is valid, and each is a new string.
      const spelling = [...'europe/paris'].map((c, j) => ((i >> j) & 1 ? c.toUpperCase() : c)).join('');
      expect(isTimeZone(spelling)).toBe(true);
    }
    expect(isTimeZone('Europe/Atlantis')).toBe(false);
    expect(cachedZoneCount()).toBeLessThanOrEqual(64);
  });
});
