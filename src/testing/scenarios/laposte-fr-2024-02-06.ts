import type { ScenarioInput } from '../scenario.js';

/**
 * Tuesday 6 February 2024, 08:00–14:30: laposte.fr is down (tracking, appointments, customer
 * account, online postage) while counters and the apps keep working. In the preset the website
 * is one channel for both sites, so banking on the website goes down with it (see the preset).
 */
export const laposteFr20240206 = {
  name: 'laposte-fr-2024-02-06',
  title: 'laposte.fr down for 6.5 hours — Tuesday 6 February 2024',
  description:
    'laposte.fr fails from 08:00 to 14:30; an operator declares the outage on the laposte-fr system at 08:30, until 14:30. Counters, postage machines and the app keep working. A third of people cannot go to a post office and post from home.',
  // No public article on this one was found to cite: the times are unverified.
  sources: ['unverified: no public source cited for 6 Feb 2024, 08:00–14:30'],
  catalog: 'la-poste',
  start: '2024-02-06T07:00:00+01:00',
  end: '2024-02-06T18:00:00+01:00',
  timeZone: 'Europe/Paris',
  bucketMinutes: 60,
  seed: 1,
  automated: ['counter', 'postage-machine', 'web', 'app'],
  timeline: [
    { at: '2024-02-06T08:00:00+01:00', do: 'down', channel: 'web', note: 'laposte.fr fails' },
    {
      at: '2024-02-06T08:30:00+01:00',
      do: 'declare-outage',
      note: 'outage declared (laposte-fr)',
      outage: {
        id: 'laposte-fr-2024-02-06',
        systems: ['laposte-fr'],
        reason: {
          fr: "laposte.fr est indisponible. L'appli et les bureaux de poste fonctionnent.",
          en: 'laposte.fr is unavailable. The app and post offices are working.',
        },
        until: '2024-02-06T14:30:00+01:00',
      },
    },
    { at: '2024-02-06T14:30:00+01:00', do: 'up', channel: 'web', note: 'laposte.fr back' },
  ],
  traffic: {
    perMinute: { postage: 2, 'stamp-purchase': 1, 'parcel-pickup': 1, 'registered-mail-pickup': 0.5 },
    profiles: [
      { name: 'at-home', share: 0.3, exclude: ['counter', 'postage-machine', 'relay-point', 'tobacconist', 'postman'] },
    ],
    locale: 'en',
  },
} satisfies ScenarioInput;
