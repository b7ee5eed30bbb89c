import type { ScenarioInput } from '../scenario.js';

/**
 * Saturday 20 December 2025: a DDoS takes down La Banque Postale's online banking and app and
 * laposte.fr for about four hours, while card payments, Wero transfers, ATMs and counters keep
 * working (a second wave, 22–26 December, is not replayed here). Under a DDoS requests hang, so
 * the first calls time out: a transfer that timed out is `uncertain` until the breakers open.
 * Times of day are assumptions (10:00 to 14:00, declared at 10:45).
 */
export const ddos202512 = {
  name: 'ddos-2025-12',
  title: 'DDoS on online banking, the app and laposte.fr — Saturday 20 December 2025',
  description:
    'Online banking, the app and laposte.fr hang from 10:00 to 14:00 (times assumed; about four hours). Wero, ATMs and counters keep working. An operator declares the outage on the online-banking and laposte-fr systems at 10:45.',
  sources: [
    'https://www.clubic.com/actualite-592468-la-banque-postale-la-poste-caisse-d-epargne-et-banque-populaire-victimes-d-une-cyberattaque-ce-lundi.html',
    'https://www.lebigdata.fr/banque-postale-en-panne-comment-une-cyberattaque-a-frappe-le-service-public',
  ],
  catalog: 'la-poste',
  start: '2025-12-20T08:00:00+01:00',
  end: '2025-12-20T20:00:00+01:00',
  timeZone: 'Europe/Paris',
  bucketMinutes: 60,
  seed: 1,
  automated: ['app', 'web', 'wero', 'atm', 'counter', 'postage-machine'],
  timeline: [
    { at: '2025-12-20T10:00:00+01:00', do: 'hang', channel: 'app' },
    { at: '2025-12-20T10:00:00+01:00', do: 'hang', channel: 'web', note: 'DDoS: app and websites hang' },
    {
      at: '2025-12-20T10:45:00+01:00',
      do: 'declare-outage',
      note: 'outage declared',
      outage: {
        id: 'ddos-2025-12-20',
        systems: ['online-banking', 'laposte-fr'],
        reason: {
          fr: "Une attaque rend la banque en ligne, l'appli et laposte.fr indisponibles. Wero, les distributeurs et les bureaux de poste fonctionnent.",
          en: 'An attack has made online banking, the app and laposte.fr unavailable. Wero, cash machines and post offices are working.',
        },
      },
    },
    { at: '2025-12-20T14:00:00+01:00', do: 'end-outage', id: 'ddos-2025-12-20' },
    { at: '2025-12-20T14:00:00+01:00', do: 'up', channel: 'app' },
    { at: '2025-12-20T14:00:00+01:00', do: 'up', channel: 'web', note: 'attack over' },
  ],
  traffic: {
    perMinute: { transfer: 1, balance: 1, 'cash-withdrawal': 1, postage: 0.5, 'card-block': 0.1 },
    profiles: [{ name: 'no-smartphone', share: 0.25, exclude: ['app', 'wero'] }],
    amounts: { transfer: 80, 'cash-withdrawal': 60 },
    locale: 'en',
  },
} satisfies ScenarioInput;
