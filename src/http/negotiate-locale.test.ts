import type { IncomingMessage } from 'node:http';
import type { Request as ExpressRequest } from 'express';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { configError } from '../../test/helpers/config-error.js';
import { LOCALES, type Locale } from '../i18n/locale.js';
import { MAX_ACCEPT_LANGUAGE, MAX_LANGUAGE_RANGES, negotiateLocale } from './negotiate-locale.js';

const FR_EN = ['fr', 'en'] as const;

describe('negotiateLocale: the RFC examples', () => {
  it('RFC 9110 §12.5.4: `da, en-gb;q=0.8, en;q=0.7`', () => {
    const header = 'da, en-gb;q=0.8, en;q=0.7';
    expect(negotiateLocale(header, ['en', 'da'])).toBe('da');
    expect(negotiateLocale(header, ['en', 'en-GB'])).toBe('en-GB');
    expect(negotiateLocale(header, ['fr', 'en'])).toBe('en');
  });

  it('RFC 4647 §3.4 lookup: shorter and shorter, a single-character subtag going with the one after it', () => {
    const range = 'zh-Hant-CN-x-private1-private2';
    expect(negotiateLocale(range, ['en', 'zh-Hant-CN-x-private1'])).toBe('zh-Hant-CN-x-private1');
    expect(negotiateLocale(range, ['en', 'zh-Hant-CN'])).toBe('zh-Hant-CN');
    // `zh-Hant-CN-x` is never a step of the lookup: `zh-Hant` is.
    expect(negotiateLocale(range, ['en', 'zh-Hant-CN-x', 'zh-Hant'])).toBe('zh-Hant');
    expect(negotiateLocale(range, ['en', 'zh'])).toBe('zh');
    expect(negotiateLocale('de-CH', ['en', 'de'])).toBe('de');
  });

  it('fr-CA reads fr; fr reads fr-FR; a French reader gets French before the next language listed', () => {
    expect(negotiateLocale('fr-CA', FR_EN)).toBe('fr');
    expect(negotiateLocale('fr', ['en', 'fr-FR'])).toBe('fr-FR');
    expect(negotiateLocale('fr-CA, en;q=0.9', ['en', 'fr-FR'])).toBe('fr-FR');
    // Lookup first: the generic `fr` is made for every French reader, `fr-FR` only shares the language.
    expect(negotiateLocale('fr-CA', ['fr-FR', 'fr'])).toBe('fr');
    // The sibling sharing the most: Traditional Chinese from Hong Kong for Taiwan, not Simplified.
    expect(negotiateLocale('zh-Hant-TW', ['en', 'zh-Hans', 'zh-Hant-HK'])).toBe('zh-Hant-HK');
  });

  it('q-values order the ranges; equal ones keep the order sent', () => {
    expect(negotiateLocale('fr;q=0.5, en', FR_EN)).toBe('en');
    expect(negotiateLocale('en;q=0.8, fr;q=0.8', FR_EN)).toBe('en');
    expect(negotiateLocale('fr;q=0.8, en;q=0.8', FR_EN)).toBe('fr');
    expect(negotiateLocale('en;q=0.001, fr;q=0.002', FR_EN)).toBe('fr');
    expect(negotiateLocale('en ; Q=1.000 , fr;q=0.9', FR_EN)).toBe('en');
    expect(negotiateLocale('de, en;q=0.1', FR_EN)).toBe('en');
  });

  it('case-insensitive, answering with the tag as you spelt it', () => {
    expect(negotiateLocale('EN-gb', ['fr', 'en-GB'])).toBe('en-GB');
    expect(negotiateLocale('en-GB', ['fr', 'EN-gb'])).toBe('EN-gb');
  });

  it('q=0 refuses a tag and every tag it prefixes, and the answer gives way', () => {
    expect(negotiateLocale('fr;q=0', FR_EN)).toBe('en');
    expect(negotiateLocale('fr;q=0', ['fr-FR', 'en'])).toBe('en');
    expect(negotiateLocale('fr-CA, fr;q=0, en;q=0.1', FR_EN)).toBe('en');
    // Refusing Canadian French is not refusing French.
    expect(negotiateLocale('fr-CA;q=0, de', FR_EN)).toBe('fr');
    expect(negotiateLocale('en-US;q=0, en', ['fr', 'en-US', 'en-GB'])).toBe('en-GB');
    // Everything refused: the header is disregarded, the default answers.
    expect(negotiateLocale('fr;q=0, en;q=0', FR_EN)).toBe('fr');
    expect(negotiateLocale('fr;q=0, en;q=0', FR_EN, { default: 'en' })).toBe('en');
  });

  it('`*` stands for the languages no other range names', () => {
    expect(negotiateLocale('*', FR_EN)).toBe('fr');
    expect(negotiateLocale('*', FR_EN, { default: 'en' })).toBe('en');
    expect(negotiateLocale('fr;q=0, *', FR_EN)).toBe('en');
    expect(negotiateLocale('fr-CA;q=0, *', FR_EN)).toBe('fr');
    expect(negotiateLocale('fr-CA;q=0, *', ['fr-CA', 'en'])).toBe('en');
    expect(negotiateLocale('*;q=0.5, fr;q=0.3', FR_EN)).toBe('en');
    expect(negotiateLocale('*;q=0.5, de;q=0.3', ['fr', 'de'])).toBe('fr');
    expect(negotiateLocale('de, *;q=0.1', ['de-AT', 'fr'])).toBe('de-AT');
    // Only what I listed, and none of it is here: the default, rather than no words at all.
    expect(negotiateLocale('de, *;q=0', FR_EN, { default: 'en' })).toBe('en');
    expect(negotiateLocale('en, *;q=0', FR_EN)).toBe('en');
  });

  it('a tag is wanted as much as the longest range naming it says (RFC 2616 §14.4, RFC 4647 filtering)', () => {
    // No English, but British English: en-GB, not the default nobody asked for.
    expect(negotiateLocale('en;q=0, en-GB;q=0.5', ['fr', 'en-GB'])).toBe('en-GB');
    expect(negotiateLocale('en;q=0, en-GB', ['fr', 'en-GB', 'en-US'])).toBe('en-GB');
    expect(negotiateLocale('de-CH;q=0.1, de;q=0', ['fr', 'de-CH', 'de'])).toBe('de-CH');
    // The reverse still refuses: a longer q=0 wins over a shorter range.
    expect(negotiateLocale('en-GB;q=0, en', ['en-GB', 'fr'])).toBe('fr');
    // `en` at 0.9 reaches your en-US, which it rates, before your en-GB, which the person rated 0.1.
    expect(negotiateLocale('en;q=0.9, en-GB;q=0.1', ['en-GB', 'en-US'])).toBe('en-US');
    expect(negotiateLocale('fr-CA, fr-FR;q=0.1, fr-BE;q=0.5', ['fr-FR', 'fr-BE'])).toBe('fr-BE');
    // A general range does not stop the sibling rule: en-US reads your en-GB.
    expect(negotiateLocale('en-US, fr;q=0.5, en;q=0.1', ['en-GB', 'fr'])).toBe('en-GB');
  });

  it('a singleton (`x`, `i`) is not a language: private-use and grandfathered tags share nothing by it', () => {
    expect(negotiateLocale('x-foo', ['en', 'x-bar'])).toBe('en');
    expect(negotiateLocale('i-klingon', ['en', 'i-navajo'])).toBe('en');
    expect(negotiateLocale('x-foo, *', ['x-bar', 'en'])).toBe('x-bar');
    // Lookup still works within one: x-foo-bar reads your x-foo, never a bare `x`.
    expect(negotiateLocale('x-foo-bar', ['en', 'x-foo'])).toBe('x-foo');
    expect(negotiateLocale('x-foo', ['en', 'x'])).toBe('en');
    expect(negotiateLocale('i-klingon', ['en', 'i-klingon'])).toBe('i-klingon');
  });

  it('a repeated range counts where it first appears', () => {
    expect(negotiateLocale('en;q=0.1, fr;q=0.5, en;q=0.9', FR_EN)).toBe('fr');
    expect(negotiateLocale('en, en;q=0', FR_EN)).toBe('en');
    expect(negotiateLocale('EN;q=0, en', FR_EN)).toBe('fr');
  });

  it('no header, or nothing that matches: `options.default`, else the first available', () => {
    for (const none of [undefined, null, '', '   ', 'de, it']) {
      expect(negotiateLocale(none, FR_EN)).toBe('fr');
      expect(negotiateLocale(none, FR_EN, { default: 'en' })).toBe('en');
    }
    // Case aside at run time (for JavaScript callers); the type asks for the tag as listed.
    expect(negotiateLocale('de', ['en', 'fr'], { default: 'FR' as 'fr' })).toBe('fr');
  });
});

describe('negotiateLocale: where the header comes from', () => {
  const header = 'en-GB,en;q=0.9,fr;q=0.8';

  it('a Request, Headers, a node headers object, an IncomingMessage, repeated lines', () => {
    expect(negotiateLocale(new Request('http://x/', { headers: { 'accept-language': header } }), FR_EN)).toBe('en');
    expect(negotiateLocale(new Headers({ 'Accept-Language': header }), FR_EN)).toBe('en');
    expect(negotiateLocale({ 'accept-language': header, host: 'x' }, FR_EN)).toBe('en');
    expect(negotiateLocale({ headers: { 'accept-language': header } }, FR_EN)).toBe('en');
    expect(negotiateLocale({ 'accept-language': ['de', 'en;q=0.5'] }, FR_EN)).toBe('en');
    expect(negotiateLocale(['de', 'en;q=0.5'], FR_EN)).toBe('en');
    expect(negotiateLocale(new Request('http://x/'), FR_EN, { default: 'en' })).toBe('en');
  });

  it('header names in any case, as a hand-made object or an AWS API Gateway event has them', () => {
    expect(negotiateLocale({ 'Accept-Language': 'en' }, FR_EN)).toBe('en');
    expect(negotiateLocale({ headers: { 'ACCEPT-LANGUAGE': ['de', 'en'] } }, FR_EN)).toBe('en');
    const nullProto = Object.assign(Object.create(null), { 'Accept-language': 'en' });
    expect(negotiateLocale(nullProto, FR_EN)).toBe('en');
    // Lower case first, as node writes it; inherited names still find nothing.
    expect(negotiateLocale({ 'Accept-Language': 'fr', 'accept-language': 'en' }, FR_EN)).toBe('en');
    expect(negotiateLocale(Object.create({ 'Accept-Language': 'en' }), FR_EN)).toBe('fr');
  });

  it('own properties only, and a header named `headers` or `get` is a header', () => {
    expect(negotiateLocale(Object.create({ 'accept-language': 'en' }), FR_EN)).toBe('fr');
    const nullProto = Object.assign(Object.create(null), { 'accept-language': 'en' });
    expect(negotiateLocale(nullProto, FR_EN)).toBe('en');
    expect(negotiateLocale({ headers: 'x', get: 'y', 'accept-language': 'en' }, FR_EN)).toBe('en');
    expect(negotiateLocale({ 'accept-language': 42 } as never, FR_EN)).toBe('fr');
  });

  it('tags that are the names of Object.prototype find nothing there', () => {
    expect(negotiateLocale('__proto__, constructor, toString, hasOwnProperty, en;q=0.1', FR_EN)).toBe('en');
    expect(negotiateLocale('toString', ['fr', 'toString'])).toBe('toString');
    // JSON.parse makes `__proto__` an own key: its object is a value, not headers to read.
    expect(negotiateLocale(JSON.parse('{"__proto__":{"accept-language":"en"}}'), FR_EN)).toBe('fr');
    expect(configError(() => negotiateLocale('en', ['fr', '__proto__'])).issues[0]?.path).toBe('available[1]');
  });

  it("node's IncomingMessage and its headers, Express's req (its `get`) as they are typed", () => {
    const express = { get: (name: string) => (name === 'accept-language' ? 'en' : undefined) };
    expect(negotiateLocale(express as unknown as ExpressRequest, FR_EN)).toBe('en');
    const incoming = { headers: { 'accept-language': 'en', 'set-cookie': ['a=1'] } } as unknown as IncomingMessage;
    expect(negotiateLocale(incoming, FR_EN)).toBe('en');
    expect(negotiateLocale(incoming.headers, FR_EN)).toBe('en');
  });

  it('the type of the answer is the type of `available`', () => {
    expectTypeOf(negotiateLocale('en', LOCALES)).toEqualTypeOf<Locale>();
    expectTypeOf(negotiateLocale('en', ['fr', 'en-GB'])).toEqualTypeOf<'fr' | 'en-GB'>();
  });
});

describe('negotiateLocale: hostile headers', () => {
  it('skips malformed ranges, never throws', () => {
    const garbage = [
      'en;q=2',
      'en;q=0.5555',
      'en;q=.5',
      'en;q= 0.5',
      'en;level=1',
      'en;q=0.5;q=0.1',
      'en_US',
      'en-',
      '-en',
      'e n',
      '12',
      'abcdefghi',
      'en-abcdefghi',
      '"en"',
      'en\u0000',
      '\uD800',
      '*-en',
    ];
    for (const bad of garbage) expect(negotiateLocale(`${bad}, de`, FR_EN, { default: 'en' }), bad).toBe('en');
    expect(negotiateLocale(`${garbage.join(',')}, fr-CA;q=0.1`, ['en', 'fr'])).toBe('fr');
    expect(negotiateLocale(';;;,,,;q=1,=,-,*;', FR_EN)).toBe('fr');
  });

  it('reads 4 KiB of a 1 MB header, cut at a comma', () => {
    expect(negotiateLocale('a'.repeat(1 << 20), FR_EN)).toBe('fr');
    expect(negotiateLocale(`en,${'a'.repeat(1 << 20)}`, FR_EN)).toBe('en');
    expect(negotiateLocale(`${'de,'.repeat(1 << 18)}en`, FR_EN, { default: 'en' })).toBe('en');
    // A range that crosses the limit is dropped, not read half: `en-GB` cut to `en-G` is another tag.
    const filler = 'x'.repeat(MAX_ACCEPT_LANGUAGE - 2);
    expect(negotiateLocale(`${filler},en-GB`, FR_EN)).toBe('fr');
    expect(negotiateLocale(`${filler.slice(10)},en`, FR_EN)).toBe('en');
  });

  it('10,000 commas, then a range: past the limit, unread', () => {
    expect(negotiateLocale(','.repeat(10_000), FR_EN)).toBe('fr');
    expect(negotiateLocale(`${','.repeat(10_000)}en`, FR_EN)).toBe('fr');
    expect(negotiateLocale(`${','.repeat(1_000)}en`, FR_EN)).toBe('en');
  });

  it(`keeps the first ${MAX_LANGUAGE_RANGES} ranges`, () => {
    const many = Array.from({ length: MAX_LANGUAGE_RANGES }, (_, i) => `de-x${i}`).join(',');
    expect(negotiateLocale(`${many},en`, FR_EN)).toBe('fr');
    // Empty, malformed and repeated ones are not counted.
    expect(negotiateLocale(`${many.replace(/-x\d+/g, '')},en`, FR_EN)).toBe('en');
  });
});

describe('negotiateLocale: the programmer’s mistakes', () => {
  it('`available` must be a non-empty list of language tags', () => {
    expect(configError(() => negotiateLocale('en', [] as string[])).issues[0]?.path).toBe('available');
    expect(configError(() => negotiateLocale('en', 'fr' as never)).issues[0]?.path).toBe('available');
    const error = configError(() => negotiateLocale('en', ['fr', 1, '*', 'en_US', ''] as never));
    expect(error.issues.map((i) => i.path)).toEqual(['available[1]', 'available[2]', 'available[3]', 'available[4]']);
    expect(error.message).toContain("expected a language tag such as 'fr' or 'en-GB', got \"en_US\"");
  });

  it('`options.default` is one of them; no other option', () => {
    const error = configError(() => negotiateLocale('en', FR_EN, { default: 'de' as never }));
    expect(error.issues[0]).toEqual({
      path: 'options.default',
      message: 'expected one of the available locales (fr, en), got "de"',
    });
    expect(configError(() => negotiateLocale('en', FR_EN, { fallback: 'en' } as never)).issues[0]?.path).toBe(
      'options.fallback',
    );
    expect(configError(() => negotiateLocale('en', FR_EN, 'en' as never)).issues[0]?.path).toBe('options');
  });

  it('a hole in `available` is reported, not returned or crashed on', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    const holed = ['fr', , 'en'] as string[];
    expect(configError(() => negotiateLocale('fr;q=0.5, *', holed)).issues[0]?.path).toBe('available[1]');
    expect(configError(() => negotiateLocale('de', holed)).issues[0]?.path).toBe('available[1]');
  });

  it('`options.default` outside `available` is a type error, not a wider answer type', () => {
    // @ts-expect-error 'de' is not one of the available tags
    const wrong = () => negotiateLocale('en', FR_EN, { default: 'de' });
    expectTypeOf(wrong).returns.toEqualTypeOf<'fr' | 'en'>();
    expect(wrong).toThrow(/options\.default/);
    // LOCALES is typed `Locale` (any tag), so only the run time can say 'de' is not in it.
    expect(() => negotiateLocale('en', LOCALES, { default: 'de' })).toThrow(/options\.default/);
    expectTypeOf(negotiateLocale('en', LOCALES, { default: 'en' })).toEqualTypeOf<Locale>();
  });

  it('a source that cannot carry a header', () => {
    for (const wrong of [42, true, () => 'en', Symbol('en')]) {
      expect(configError(() => negotiateLocale(wrong as never, FR_EN)).issues[0]?.path).toBe('request');
    }
  });
});

describe('negotiateLocale: properties', () => {
  const tags = ['fr', 'en', 'en-GB', 'fr-CA', 'de', 'zh-Hant', 'x-a', 'EN-us'];
  const available = fc.uniqueArray(fc.constantFrom(...tags), { minLength: 1, selector: (t) => t.toLowerCase() });
  const range = fc.oneof(
    fc.constantFrom('*', ...tags),
    fc.stringMatching(/^[a-zA-Z]{1,3}(-[a-zA-Z0-9]{1,3}){0,2}$/),
    fc.string({ maxLength: 12 }),
  );
  const weight = fc.oneof(
    fc.constant(''),
    fc.constantFrom(';q=0', ';q=1', ';q=0.5', ';Q=0.500', ' ; q=0.1', ';q=7', ';x=1'),
    fc.string({ maxLength: 6 }),
  );
  const header = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary', maxLength: 5000 }),
    fc.array(fc.tuple(range, weight), { maxLength: 40 }).map((rs) => rs.map(([r, w]) => r + w).join(', ')),
  );

  const listed = fc.uniqueArray(
    fc.tuple(
      fc.constantFrom('*', 'fr', 'en', 'en-gb', 'de', 'zh', 'zh-hant'),
      fc.constantFrom('', ';q=0', ';q=0.5', ';q=1'),
    ),
    {
      maxLength: 10,
      selector: ([r]) => r,
    },
  );

  it('never throws on any header; the answer is always one of `available`', () => {
    fc.assert(
      fc.property(header, available, (h, list) => {
        expect(list).toContain(negotiateLocale(h, list));
        expect(list).toContain(
          negotiateLocale(new Headers({ 'accept-language': h.replace(/[^\t\x20-\x7e]/g, '') }), list),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('letter case changes nothing', () => {
    fc.assert(
      // ASCII: a few other letters change case into ASCII ones (ı → I, K → k) and make new ranges.
      fc.property(
        header.map((h) => h.replace(/[^\0-\x7f]/g, '')),
        available,
        (h, list) => {
          expect(negotiateLocale(h.toUpperCase(), list)).toBe(negotiateLocale(h.toLowerCase(), list));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a refused tag is the answer only when every one is refused, or `*;q=0` refused the rest', () => {
    fc.assert(
      fc.property(listed, available, (ranges, list) => {
        // Refused: the longest range that is the tag or a prefix of it says q=0 (`zh;q=0, zh-hant`
        // refuses zh-Hans, not zh-Hant).
        const refused = (tag: string) => {
          const t = tag.toLowerCase();
          const matching = ranges.filter(([r]) => r !== '*' && (t === r || t.startsWith(`${r}-`)));
          const longest = matching.reduce<(typeof ranges)[number] | undefined>(
            (best, m) => (best && best[0].length >= m[0].length ? best : m),
            undefined,
          );
          return longest?.[1] === ';q=0';
        };
        const answer = negotiateLocale(ranges.map(([r, w]) => r + w).join(', '), list);
        if (!refused(answer) || ranges.some(([r, w]) => r === '*' && w === ';q=0')) return;
        expect(list.every(refused)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('ranges naming unrelated languages: the listed tag of yours with the highest q, first on ties', () => {
    const languages = ['fr', 'en', 'de', 'it', 'es', 'nl'];
    const q = fc.constantFrom('', ';q=1', ';q=1.000', ';q=0.9', ';q=0.50', ';q=0.5', ';q=0.001', ';q=0', ';q=0.');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.constantFrom(...languages), q), { selector: ([l]) => l, maxLength: 6 }),
        fc.uniqueArray(fc.constantFrom(...languages), { minLength: 1 }),
        fc.boolean(),
        (ranges, list, upper) => {
          const weight = (w: string) => (w === '' ? 1 : Number(w.slice(3)));
          const wanted = ranges
            .map(([l, w], at) => ({ l, q: weight(w), at }))
            .filter((r) => r.q > 0 && list.includes(r.l))
            .sort((a, b) => b.q - a.q || a.at - b.at);
          const refused = (l: string) => ranges.some(([r, w]) => r === l && weight(w) === 0);
          const fallback = refused(list[0] as string) ? (list.find((l) => !refused(l)) ?? list[0]) : list[0];
          const header = ranges.map(([l, w]) => (upper ? l.toUpperCase() : l) + w).join(' , ');
          expect(negotiateLocale(header, list)).toBe(wanted[0]?.l ?? fallback);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a tag of yours named first, and not refused by the ranges after it, is the answer', () => {
    fc.assert(
      fc.property(available, fc.nat(), listed, (list, n, ranges) => {
        const first = list[n % list.length] as string;
        const t = first.toLowerCase();
        fc.pre(!ranges.some(([r, w]) => w === ';q=0' && r !== '*' && (t === r || t.startsWith(`${r}-`))));
        expect(negotiateLocale([first, ...ranges.map(([r, w]) => r + w)], list)).toBe(first);
      }),
      { numRuns: 1000 },
    );
  });
});
