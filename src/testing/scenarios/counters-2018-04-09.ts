import type { ScenarioInput } from '../scenario.js';

/**
 * Monday 9 April 2018: every counter terminal in the ~8,500 post offices fails from opening time
 * until about 15:00, while ATMs, postage machines, the website and the app keep working; normal
 * on Tuesday. The operator's declaration at 10:30 is an assumption (no public record of when).
 */
export const counters20180409 = {
  name: 'counters-2018-04-09',
  title: 'Counter terminals down in every post office — Monday 9 April 2018',
  description:
    'Every counter terminal fails to open a session from opening time (09:00) until about 15:00. ATMs, self-service postage machines, the website and the app keep working. An operator declares the outage at 10:30 (time assumed), until 15:00.',
  sources: [
    'https://www.20minutes.fr/societe/2251647-20180409-poste-bug-national-paralyse-guichetiers-partout-france',
    'https://europe1.fr/societe/bug-informatique-a-la-poste-retour-a-la-normale-mardi-3622490',
  ],
  catalog: 'la-poste',
  start: '2018-04-09T08:00:00+02:00',
  end: '2018-04-09T18:00:00+02:00',
  timeZone: 'Europe/Paris',
  bucketMinutes: 60,
  seed: 1,
  automated: ['counter', 'atm', 'postage-machine', 'web', 'app'],
  timeline: [
    { at: '2018-04-09T09:00:00+02:00', do: 'not-executed', channel: 'counter', note: 'counter terminals fail' },
    {
      at: '2018-04-09T10:30:00+02:00',
      do: 'declare-outage',
      note: 'outage declared (counter-it)',
      outage: {
        id: 'counters-2018-04-09',
        systems: ['counter-it'],
        reason: {
          fr: "Les terminaux des guichets sont en panne dans tous les bureaux de poste. Les distributeurs, les automates, le site et l'appli fonctionnent.",
          en: 'Counter terminals are down in every post office. Cash machines, postage machines, the website and the app are working.',
        },
        until: '2018-04-09T15:00:00+02:00',
      },
    },
    { at: '2018-04-09T15:00:00+02:00', do: 'up', channel: 'counter', note: 'terminals back' },
  ],
  traffic: {
    perMinute: {
      'cash-withdrawal': 1.5,
      'cash-deposit': 0.5,
      'stamp-purchase': 1,
      postage: 1.5,
      'registered-mail-pickup': 1,
      'parcel-pickup': 1,
      transfer: 0.3,
    },
    profiles: [
      { name: 'no-smartphone', share: 0.25, exclude: ['app', 'wero'] },
      { name: 'offline', share: 0.1, exclude: ['app', 'wero', 'web'] },
    ],
    amounts: { 'cash-withdrawal': 100, 'cash-deposit': 200, transfer: 150 },
    locale: 'en',
  },
} satisfies ScenarioInput;
