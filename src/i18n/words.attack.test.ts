// The words of a locale nobody has sentences for fall back to another language; the lists,
// times and weekdays put into those sentences must fall back with them, or a person reads
// "fermé pour le moment (l'appli、le site)" or "ouvre 木曜日 à 09:00".
import { describe, expect, it } from 'vitest';
import { defineCatalog } from '../catalog.js';
import { createRouter } from '../router.js';
import { de } from './de.js';
import { describeAvailability } from './describe-availability.js';

const closed = { timeZone: 'Europe/Paris', weekly: {} };
const catalog = (defaultLocale?: string) =>
  defineCatalog({
    ...(defaultLocale ? { defaultLocale } : {}),
    channels: {
      app: { kind: 'digital', label: { fr: "l'appli", en: 'the app', de: 'die App' }, hours: closed },
      web: { kind: 'digital', label: { fr: 'le site', en: 'the website', de: 'die Website' }, hours: closed },
    },
    operations: {
      transfer: {
        label: { fr: 'Virement', en: 'Transfer', de: 'Überweisung' },
        routes: [{ channel: 'app' }, { channel: 'web' }],
      },
    },
  });
const handlers = { transfer: { app: async () => 1, web: async () => 1 } };

describe('lists and dates in the language of the sentence', () => {
  it('joins the channels of a fallback sentence in that sentence’s language', () => {
    const router = createRouter({ catalog: catalog(), handlers, messages: { de } });
    try {
      expect(router.plan('transfer', { locale: 'ja' }).reason).toBe(
        "Virement : fermé pour le moment (l'appli et le site).",
      );
      expect(router.plan('transfer', { locale: 'zh-Hant-TW' }).reason).toBe(
        "Virement : fermé pour le moment (l'appli et le site).",
      );
      // A language with words keeps its own tag, region and extensions included.
      expect(router.plan('transfer', { locale: 'de-CH-u-nu-latn' }).reason).toBe(
        'Überweisung: im Moment geschlossen (die App und die Website).',
      );
      expect(router.plan('transfer', { locale: 'en-US' }).reason).toBe(
        'Transfer: closed right now (the app and the website).',
      );
    } finally {
      router.dispose();
    }
    const english = createRouter({ catalog: catalog('en'), handlers });
    try {
      expect(english.plan('transfer', { locale: 'ja' }).reason).toBe(
        'Transfer: closed right now (the app and the website).',
      );
    } finally {
      english.dispose();
    }
  });

  it('says times and weekdays of a fallback sentence in that sentence’s language', () => {
    const now = Date.parse('2026-12-07T10:00:00Z'); // Monday
    const alt = { openNow: false, opensAt: '2026-12-10T08:00:00.000Z', timeZone: 'Europe/Paris' };
    expect(describeAvailability(alt, { locale: 'ja', now })).toBe('ouvre jeudi à 09:00');
    expect(describeAvailability(alt, { locale: 'ar-EG', now })).toBe('ouvre jeudi à 09:00');
    expect(describeAvailability(alt, { locale: 'de-AT', now, messages: { de } })).toBe(
      'öffnet am Donnerstag um 09:00 Uhr',
    );
    expect(describeAvailability(alt, { locale: 'en-US', now })).toBe('opens Thursday at 09:00 AM');
    expect(
      describeAvailability(alt, { locale: 'ja', now, messages: { ja: { opensOn: (d, t) => `${d}${t}に開きます` } } }),
    ).toBe('木曜日09:00に開きます');
  });
});

describe('Spanish hours', () => {
  it('says "a la 01:00" (one o’clock is singular) and "a las" for the others', async () => {
    const { es } = await import('./es.js');
    const now = Date.parse('2026-12-07T10:00:00Z'); // Monday 11:00 in Madrid
    const at = (iso: string, openNow = false) => ({
      openNow,
      [openNow ? 'closesAt' : 'opensAt']: iso,
      timeZone: 'Europe/Madrid',
    });
    const say = (alt: ReturnType<typeof at>, locale = 'es-ES') =>
      describeAvailability(alt, { locale, now, messages: { es } });
    expect(say(at('2026-12-08T00:00:00.000Z'))).toBe('abre mañana a la 01:00');
    expect(say(at('2026-12-08T00:00:00.000Z', true))).toBe('abierto hasta mañana a la 01:00');
    expect(say(at('2026-12-09T00:30:00.000Z'))).toBe('abre el miércoles a la 01:30');
    expect(say(at('2026-12-07T12:00:00.000Z'))).toBe('abre a las 13:00');
    expect(say(at('2026-12-07T10:30:00.000Z', true))).toBe('abierto hasta las 11:30');
    expect(say(at('2026-12-07T11:00:00.000Z', true))).toBe('abierto hasta las 12:00');
  });
});

describe('a catalogue defaultLocale with a region', () => {
  it('finds its language in the texts, as the sentences do', () => {
    const router = createRouter({ catalog: catalog('en-GB'), handlers });
    try {
      expect(router.plan('transfer', { locale: 'ja' }).reason).toBe(
        'Transfer: closed right now (the app and the website).',
      );
    } finally {
      router.dispose();
    }
  });
});

describe('a fallback with a region writes lists its way', () => {
  it('joins three channels the British way for a catalogue defaulting to en-GB', () => {
    const three = defineCatalog({
      defaultLocale: 'en-GB',
      channels: {
        app: { kind: 'digital', label: { en: 'the app' }, hours: closed },
        web: { kind: 'digital', label: { en: 'the website' }, hours: closed },
        kiosk: { kind: 'digital', label: { en: 'the kiosk' }, hours: closed },
      },
      operations: {
        transfer: { label: { en: 'Transfer' }, routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'kiosk' }] },
      },
    });
    const router = createRouter({
      catalog: three,
      handlers: { transfer: { app: async () => 1, web: async () => 1, kiosk: async () => 1 } },
    });
    try {
      // Not the American "the website, and the kiosk".
      expect(router.plan('transfer', { locale: 'ja' }).reason).toBe(
        'Transfer: closed right now (the app, the website and the kiosk).',
      );
      expect(router.plan('transfer', { locale: 'en-US' }).reason).toBe(
        'Transfer: closed right now (the app, the website, and the kiosk).',
      );
    } finally {
      router.dispose();
    }
  });
});
