// canonicalLocale reads each tag once (Intl.getCanonicalLocales costs more than a whole call),
// and a flood of distinct tags keeps its memory bounded.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { canonicalLocale } from './locale.js';

afterEach(() => vi.restoreAllMocks());

describe('canonicalLocale', () => {
  it('asks Intl once per tag, and still refuses what is not a tag', () => {
    const spy = vi.spyOn(Intl, 'getCanonicalLocales');
    for (let i = 0; i < 100; i++) expect(canonicalLocale('en-gb')).toBe('en-GB');
    for (let i = 0; i < 100; i++) expect(canonicalLocale('en_US')).toBeUndefined();
    expect(spy.mock.calls.filter(([tag]) => tag === 'en-gb')).toHaveLength(1);
    expect(spy.mock.calls.filter(([tag]) => tag === 'en_US')).toHaveLength(1);
    expect(canonicalLocale('__proto__')).toBeUndefined();
    expect(canonicalLocale('constructor')).toBeUndefined();
  });

  it('100,000 distinct tags: answers stay right and the cache stays bounded', () => {
    const spy = vi.spyOn(Intl, 'getCanonicalLocales');
    for (let i = 0; i < 100_000; i++) expect(canonicalLocale(`en-x-${i}`)).toBe(`en-x-${i}`);
    // Every one was asked once: none was served from a cache that grew without bound, and a
    // tag seen long ago is asked again (evicted), not remembered forever.
    expect(spy).toHaveBeenCalledTimes(100_000);
    expect(canonicalLocale('en-x-0')).toBe('en-x-0');
    expect(spy).toHaveBeenCalledTimes(100_001);
  });
});
