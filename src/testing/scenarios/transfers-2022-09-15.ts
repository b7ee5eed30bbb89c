import type { ScenarioInput } from '../scenario.js';

/**
 * Thursday 15 – Friday 16 September 2022: La Banque Postale transfers and card management fail
 * in the app and on the website for over 24 hours (hardware failure; still down on Friday at
 * 16:45). Card payments, account management and withdrawals keep working; the fallback offered
 * was "call 3639 or go to a post office". Start (Thursday 10:00), declaration (11:00) and end
 * (Friday 18:00) are assumptions. Wero did not exist yet: nobody is offered it.
 */
export const transfers20220915 = {
  name: 'transfers-2022-09-15',
  title: 'Online transfers and card management down for over 24 hours — 15–16 September 2022',
  description:
    'Transfers and card management fail in the app and on the website from Thursday 10:00 to Friday 18:00 (times assumed; the facts say over 24 h, still down Friday 16:45). Balances and cash withdrawals keep working. Wero did not exist in 2022 and is never offered.',
  sources: [
    'https://clubic.com/banque-en-ligne/actualite-437985-banque-postale-un-enorme-bug-impacte-les-comptes-clients-etes-vous-concerne.html',
    'https://www.tomsguide.fr/bug-a-la-banque-postale-la-serie-noire-continue-pour-la-poste/',
  ],
  catalog: 'la-poste',
  start: '2022-09-15T08:00:00+02:00',
  end: '2022-09-16T20:00:00+02:00',
  timeZone: 'Europe/Paris',
  bucketMinutes: 120,
  seed: 1,
  automated: ['app', 'web', 'atm'],
  // Health checks of the app and the website: they answer all along (balances work), so the
  // probes see nothing of the transfers failing; `secours simulate` shows what they change.
  probes: ['app', 'web'],
  timeline: [
    { at: '2022-09-15T10:00:00+02:00', do: 'down', operation: 'transfer', channel: 'app' },
    { at: '2022-09-15T10:00:00+02:00', do: 'down', operation: 'transfer', channel: 'web' },
    { at: '2022-09-15T10:00:00+02:00', do: 'down', operation: 'card-block', channel: 'app' },
    {
      at: '2022-09-15T10:00:00+02:00',
      do: 'down',
      operation: 'card-block',
      channel: 'web',
      note: 'transfers and card management fail online',
    },
    {
      at: '2022-09-15T11:00:00+02:00',
      do: 'declare-outage',
      note: 'outage declared',
      outage: {
        id: 'transfers-2022-09-15',
        channels: ['app', 'web'],
        operations: ['transfer', 'card-block'],
        reason: {
          fr: "Les virements et la gestion des cartes sont indisponibles dans l'appli et sur le site.",
          en: 'Transfers and card management are unavailable in the app and on the website.',
        },
      },
    },
    { at: '2022-09-16T18:00:00+02:00', do: 'end-outage', id: 'transfers-2022-09-15' },
    { at: '2022-09-16T18:00:00+02:00', do: 'up', operation: 'transfer', channel: 'app' },
    { at: '2022-09-16T18:00:00+02:00', do: 'up', operation: 'transfer', channel: 'web' },
    { at: '2022-09-16T18:00:00+02:00', do: 'up', operation: 'card-block', channel: 'app' },
    { at: '2022-09-16T18:00:00+02:00', do: 'up', operation: 'card-block', channel: 'web', note: 'back online' },
  ],
  traffic: {
    perMinute: { transfer: 1, 'card-block': 0.1, balance: 1, 'cash-withdrawal': 1 },
    exclude: ['wero'],
    profiles: [{ name: 'no-smartphone', share: 0.25, exclude: ['app'] }],
    amounts: { transfer: 150, 'cash-withdrawal': 60 },
    locale: 'en',
  },
} satisfies ScenarioInput;
