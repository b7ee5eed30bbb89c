import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineCatalog } from '../catalog.js';
import { ConfigError, InvalidInputError, NotExecutedError } from '../errors.js';
import { toProblem } from '../http/problem.js';
import { createRouter } from '../router.js';
import { de } from './de.js';
import { describeAvailability } from './describe-availability.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { it as italian } from './it.js';
import { canonicalLocale, lookupChain } from './locale.js';
import { MESSAGE_KEYS, type Messages } from './messages.js';
import { nl } from './nl.js';
import { localise } from './text.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: { fr: "l'appli", en: 'the app', de: 'die App' } },
    phone: {
      kind: 'phone',
      label: '3639',
      hours: { timeZone: 'Europe/Paris', weekly: { mon: ['08:00-20:00'], tue: ['08:00-20:00'] } },
    },
  },
  operations: {
    transfer: {
      label: { fr: 'Virement', en: 'Transfer', de: 'Überweisung' },
      routes: [{ channel: 'app' }, { channel: 'phone' }],
    },
  },
});
const failing = { transfer: { app: async () => Promise.reject(new NotExecutedError()) } };

describe('locales', () => {
  it('canonicalises well-formed tags and refuses the rest', () => {
    expect(canonicalLocale('EN')).toBe('en');
    expect(canonicalLocale('fr-fr')).toBe('fr-FR');
    expect(canonicalLocale('zh-hant-tw')).toBe('zh-Hant-TW');
    for (const bad of ['en_US', '', '__proto__', 'constructor', 'x', 42, null, 'a'.repeat(36)]) {
      expect(canonicalLocale(bad)).toBeUndefined();
    }
  });

  it('looks up by dropping subtags, RFC 4647 style', () => {
    expect(lookupChain('zh-Hant-TW')).toEqual(['zh-Hant-TW', 'zh-Hant', 'zh']);
    expect(lookupChain('de-CH-x-phone')).toEqual(['de-CH-x-phone', 'de-CH', 'de']);
  });

  it('resolves texts exact → language → default → first', () => {
    const t = { fr: 'Virement', en: 'Transfer', 'en-GB': 'Bank transfer', de: 'Überweisung' };
    expect(localise(t, 'en-GB')).toBe('Bank transfer');
    expect(localise(t, 'en-US')).toBe('Transfer');
    expect(localise(t, 'de-CH')).toBe('Überweisung');
    expect(localise(t, 'zh-Hant-TW')).toBe('Virement');
    expect(localise(t, 'zh-Hant-TW', 'en')).toBe('Transfer');
    expect(localise({ nl: 'Overboeking' }, 'zh')).toBe('Overboeking');
    expect(localise({ fr: 'Virement' }, '__proto__')).toBe('Virement');
    expect(localise({ fr: 'Virement' }, 'constructor')).toBe('Virement');
  });

  it('lists every key of Messages in MESSAGE_KEYS, and every locale has every key', () => {
    for (const m of [fr, en, de, es, italian, nl]) expect(Object.keys(m).sort()).toEqual([...MESSAGE_KEYS].sort());
  });
});

describe('execute with any locale', () => {
  it('speaks fr-FR, EN, de-CH (given de) and falls back for zh-Hant-TW', async () => {
    const r = createRouter({ catalog, handlers: failing, messages: { de } });
    const say = async (locale: string) => {
      const o = await r.execute('transfer', {}, { locale });
      return o.kind === 'referred' ? o.reason : o.kind;
    };
    expect(await say('fr-FR')).toBe("Virement : service momentanément indisponible (l'appli).");
    expect(await say('EN')).toBe('Transfer is unavailable right now (the app).');
    expect(await say('de-CH')).toBe('Überweisung ist im Moment nicht verfügbar (die App).');
    expect(await say('zh-Hant-TW')).toBe("Virement : service momentanément indisponible (l'appli).");
    r.dispose();
  });

  it('refuses a malformed tag as InvalidInputError naming ctx.locale', async () => {
    const r = createRouter({ catalog });
    for (const locale of ['en_US', '__proto__', 'a'.repeat(40)]) {
      await expect(r.execute('transfer', {}, { locale })).rejects.toSatisfy(
        (e) => e instanceof InvalidInputError && e.issues[0]?.path === 'ctx.locale',
      );
    }
    r.dispose();
  });

  it('never throws for a well-formed tag and always says something', async () => {
    const r = createRouter({ catalog, handlers: failing, messages: { de, es, it: italian, nl } });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom('fr', 'EN', 'de-AT', 'nl-BE', 'it-CH', 'es-419', 'zh-Hant-TW', 'und', 'sr-Latn-RS'),
          fc.string({ minLength: 2, maxLength: 3, unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz') }),
        ),
        async (tag) => {
          const o = await r.execute('transfer', {}, { locale: tag });
          expect(o.kind).toBe('referred');
          if (o.kind === 'referred') expect(o.reason.trim()).not.toBe('');
          const p = o.kind === 'referred' ? toProblem(o, { locale: tag, messages: { de } }) : undefined;
          expect(p?.title.trim()).not.toBe('');
        },
      ),
      { numRuns: 100 },
    );
    r.dispose();
  });
});

describe('messages option', () => {
  it('overrides a sentence and falls back per sentence', async () => {
    const r = createRouter({
      catalog,
      handlers: failing,
      messages: { 'de-CH': { unavailable: (label) => `${label}: grad nicht verfügbar.` }, de: { manual: () => '' } },
    });
    const o = await r.execute('transfer', {}, { locale: 'de-CH' });
    expect(o.kind === 'referred' && o.reason).toBe('Überweisung: grad nicht verfügbar.');
    r.dispose();
  });

  it('falls back to the built-in sentence when a given one throws', async () => {
    const r = createRouter({
      catalog,
      handlers: failing,
      messages: {
        en: {
          unavailable: () => {
            throw new Error('bug');
          },
        },
      },
    });
    const o = await r.execute('transfer', {}, { locale: 'en' });
    expect(o.kind === 'referred' && o.reason).toBe('Transfer is unavailable right now (the app).');
    r.dispose();
  });

  it('is validated with paths', () => {
    const bad = (messages: unknown) => {
      try {
        createRouter({ catalog, messages: messages as never });
      } catch (e) {
        if (e instanceof ConfigError) return e.issues.map((i) => `${i.path}: ${i.message}`);
      }
      return [];
    };
    expect(bad({ de: { unavailable: 'x' } })).toEqual(['messages.de.unavailable: expected a function']);
    expect(bad({ de: { titleOutage: 3 } })).toEqual(['messages.de.titleOutage: expected a non-empty string']);
    expect(bad({ de: { unavailabel: () => '' } })[0]).toMatch(/^messages\.de\.unavailabel: unknown sentence/);
    expect(bad({ en_US: {} })[0]).toMatch(/^messages\.en_US: expected a BCP 47/);
    expect(bad(JSON.parse('{"__proto__": {}}'))[0]).toMatch(/^messages\.__proto__/);
    expect(bad({ de: { constructor: () => '' } })[0]).toMatch(/^messages\.de\.constructor: unknown sentence/);
    expect(bad('de')).toEqual(['messages: expected an object: { [locale]: { unavailable: …, … } }']);
    expect(bad({ EN: {}, en: {} })[0]).toMatch(/^messages\.en: expected a BCP 47/);
  });

  it('gives problem titles in any locale', async () => {
    const r = createRouter({ catalog, handlers: failing });
    const o = await r.execute('transfer', {}, { locale: 'nl' });
    if (o.kind !== 'referred') throw new Error(o.kind);
    expect(toProblem(o, { locale: 'nl-BE', messages: { nl } }).title).toBe('Dienst tijdelijk niet beschikbaar');
    expect(toProblem(o, { locale: 'EN' }).title).toBe('Service temporarily unavailable');
    expect(toProblem(o, { locale: 'ja' }).title).toBe('Service momentanément indisponible');
    r.dispose();
  });
});

describe('describeAvailability', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  // Monday 5 January 2026 in Paris (UTC+1).
  const mon = (hhmm: string) => Date.parse(`2026-01-05T${hhmm}:00+01:00`);
  const cases = (now: number) => {
    const r = createRouter({ catalog, clock: { now: () => now } });
    const alt = r.plan('transfer').alternatives.find((a) => a.channel === 'phone');
    const app = r.plan('transfer').alternatives.find((a) => a.channel === 'app');
    r.dispose();
    if (!alt || !app) throw new Error('no alternative');
    return { alt, app };
  };
  const all: [string, Messages][] = [
    ['fr-FR', fr],
    ['en-GB', en],
    ['de-DE', de],
    ['es-ES', es],
    ['it-IT', italian],
    ['nl-NL', nl],
  ];
  const expected: Record<string, string[]> = {
    'fr-FR': ["ouvert jusqu'à 20:00", 'ouvre à 08:00', 'ouvre demain à 08:00', 'ouvre lundi à 08:00', 'ouvert 24 h/24'],
    'en-GB': ['open until 20:00', 'opens at 08:00', 'opens tomorrow at 08:00', 'opens Monday at 08:00', 'open 24/7'],
    'de-DE': [
      'geöffnet bis 20:00 Uhr',
      'öffnet um 08:00 Uhr',
      'öffnet morgen um 08:00 Uhr',
      'öffnet am Montag um 08:00 Uhr',
      'rund um die Uhr geöffnet',
    ],
    'es-ES': [
      'abierto hasta las 20:00',
      'abre a las 08:00',
      'abre mañana a las 08:00',
      'abre el lunes a las 08:00',
      'abierto las 24 horas',
    ],
    'it-IT': [
      'aperto fino alle 20:00',
      'apre alle 08:00',
      'apre domani alle 08:00',
      'apre lunedì alle 08:00',
      'aperto 24 ore su 24',
    ],
    'nl-NL': [
      'open tot 20:00',
      'gaat om 08:00 open',
      'gaat morgen om 08:00 open',
      'gaat maandag om 08:00 open',
      'dag en nacht open',
    ],
  };
  it.each(all)('words the hours in %s', (locale, messages) => {
    const lang = locale.slice(0, 2);
    const say = (now: number, which: 'alt' | 'app' = 'alt') =>
      describeAvailability(cases(now)[which], { locale, now, messages: { [lang]: messages } });
    expect([
      say(mon('10:00')),
      say(mon('07:00')),
      say(mon('21:00')),
      say(Date.parse('2026-01-07T10:00:00+01:00')),
      say(mon('10:00'), 'app'),
    ]).toEqual(expected[locale]);
  });

  it('reads the channel zone, not the runtime one, across a DST change', () => {
    // Sunday 29 March 2026, 23:30 in Paris (summer time began at 02:00 that night): 21:30 UTC.
    const now = Date.parse('2026-03-29T21:30:00Z');
    const { alt } = cases(now);
    expect(alt.opensAt).toBe('2026-03-30T06:00:00.000Z');
    expect(describeAvailability(alt, { locale: 'en-GB', now })).toBe('opens tomorrow at 08:00');
    expect(describeAvailability(alt, { locale: 'en-US', now })).toBe('opens tomorrow at 08:00 AM');
  });

  it('says closed for now when no opening is known, and refuses bad arguments', () => {
    expect(describeAvailability({ openNow: false }, { locale: 'fr', now: 0 })).toBe('fermé pour le moment');
    expect(() => describeAvailability({ openNow: false }, { locale: 'en_US', now: 0 })).toThrow(ConfigError);
    expect(() => describeAvailability({ openNow: true }, { locale: 'fr', now: Number.NaN })).toThrow(/options\.now/);
  });
});

describe('catalogue texts keyed by any tag', () => {
  const make =
    (label: unknown, extra: object = {}) =>
    () =>
      defineCatalog({
        ...extra,
        channels: { app: { kind: 'digital', label: label as string } },
        operations: { t: { label: 'T', routes: [{ channel: 'app' }] } },
      });
  const issues = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (e instanceof ConfigError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    }
    return [];
  };

  it('accepts any canonical tag and refuses the rest with the text path', () => {
    expect(make({ 'de-CH': 'App', 'zh-Hant-TW': '應用程式' })).not.toThrow();
    expect(issues(make({ EN: 'app' }))).toEqual(['channels.app.label: "EN": write the locale as "en"']);
    expect(issues(make({ en_US: 'app' }))[0]).toMatch(/^channels\.app\.label: "en_US": expected a BCP 47/);
    expect(issues(make({ constructor: 'app' }))[0]).toMatch(/^channels\.app\.label: "constructor"/);
    expect(issues(make(JSON.parse('{"__proto__":"app"}')))).toContain(
      'channels.app.label.__proto__: a `__proto__` key is not allowed',
    );
    expect(issues(make('x', { defaultLocale: 'EN' }))).toEqual(['defaultLocale: "EN": write the locale as "en"']);
  });

  it("falls back to the catalogue's defaultLocale", async () => {
    const c = defineCatalog({
      defaultLocale: 'en',
      channels: { app: { kind: 'digital', label: { fr: "l'appli", en: 'the app' } } },
      operations: { transfer: { label: { fr: 'Virement', en: 'Transfer' }, routes: [{ channel: 'app' }] } },
    });
    const r = createRouter({ catalog: c, handlers: failing });
    const o = await r.execute('transfer', {}, { locale: 'ja' });
    expect(o.kind === 'referred' && o.reason).toBe('Transfer is unavailable right now (the app).');
    // A call that names no locale speaks the catalogue's, not French.
    const none = await r.execute('transfer', {});
    expect(none.kind === 'referred' && none.reason).toBe('Transfer is unavailable right now (the app).');
    const seen: string[] = [];
    const r2 = createRouter({
      catalog: c,
      handlers: {
        transfer: {
          app: (_input: unknown, ctx: { locale: string }) => {
            seen.push(ctx.locale);
            return 'ok';
          },
        },
      },
    });
    await r2.execute('transfer', {}, {});
    await r2.execute('transfer', {});
    expect(seen).toEqual(['en', 'en']);
    r.dispose();
    r2.dispose();
  });
});
