/**
 * The demo's story in accelerated time: 9 April 2018 (every counter terminal down), then
 * 15–16 September 2022 (La Banque Postale's online transfers down for more than a day), then
 * again. One clock for the whole server: virtual time runs `speed` times faster than real time
 * and jumps between scenes.
 *
 * What happens "in the world" (terminals failing) is separate from what an operator declares:
 * the router learns the first from its breakers, the second from `declareOutage`.
 */

import type { DemoLocale as Locale } from '../demo/opening-hours-text.js';
import { OUTAGE_REASON } from '../demo/replay-2018.js';
import {
  type Customer,
  customers,
  DECLARED_AT,
  paris,
  START,
  TERMINALS_BACK,
  TERMINALS_DOWN,
} from '../demo/timeline.js';

export type Bilingual = Record<Locale, string>;

/** What the simulated backends consult. */
export interface World {
  /** Counter terminals cannot open a session (9 April 2018). */
  counterDown: boolean;
  /** Transfers and card management fail in the app and on the website (September 2022). */
  onlineBankingDown: boolean;
}

export interface StoryLine {
  /** Virtual time, epoch ms. */
  readonly at: number;
  readonly text: Bilingual;
}

/** Something that happens at a virtual instant. */
interface Beat {
  readonly at: number;
  readonly text?: Bilingual;
  /** Changes the world or acts as the operator. */
  readonly run?: (ctx: SceneContext) => void;
  /** A customer somewhere in France, whose call is part of the background traffic. */
  readonly customer?: Customer;
}

export interface SceneContext {
  readonly world: World;
  declareOutage(input: {
    id: string;
    reason: Bilingual;
    systems?: string[];
    channels?: string[];
    operations?: string[];
    until?: number;
  }): void;
  endOutage(id: string): void;
}

export interface Scene {
  readonly id: '2018' | '2022-thu' | '2022-fri';
  readonly title: Bilingual;
  readonly from: number;
  readonly to: number;
  /** Channels the page leaves out in this scene (Wero did not exist in 2022). */
  readonly exclude: readonly string[];
  readonly beats: readonly Beat[];
}

const INCIDENT_2018 = 'incident-2018-04-09-counter-it';
const INCIDENT_2022 = 'incident-2022-09-15-lbp-transfers';

const REASON_2022: Bilingual = {
  fr: "Les virements et la gestion de la carte sont indisponibles dans l'appli et sur le site de La Banque Postale. Appelez le 3639 ou rendez-vous dans un bureau de poste.",
  en: 'Transfers and card management are unavailable in the La Banque Postale app and website. Call 3639 or go to a post office.',
};

const scene2018: Scene = {
  id: '2018',
  title: {
    fr: 'Lundi 9 avril 2018 : les terminaux de tous les guichets tombent en panne',
    en: 'Monday 9 April 2018: every post office counter terminal fails',
  },
  from: START,
  to: paris('2018-04-09T16:00'),
  exclude: [],
  beats: [
    {
      at: START,
      text: { fr: 'Début de la journée : tout fonctionne.', en: 'Start of the day: everything works.' },
      run: ({ world }) => {
        world.counterDown = false;
        world.onlineBankingDown = false;
      },
    },
    {
      at: TERMINALS_DOWN,
      text: {
        fr: "Ouverture des bureaux : aucun terminal de guichet n'arrive à ouvrir une session.",
        en: 'Offices open: no counter terminal can open a session.',
      },
      run: ({ world }) => {
        world.counterDown = true;
      },
    },
    {
      at: DECLARED_AT,
      text: {
        fr: "L'exploitant déclare la panne des guichets jusqu'à 15:00.",
        en: 'The operator declares the counter outage, until 15:00.',
      },
      run: (ctx) =>
        ctx.declareOutage({ id: INCIDENT_2018, systems: ['counter-it'], reason: OUTAGE_REASON, until: TERMINALS_BACK }),
    },
    {
      at: TERMINALS_BACK,
      text: {
        fr: 'Les terminaux fonctionnent de nouveau ; la panne déclarée expire.',
        en: 'The terminals work again; the declared outage expires.',
      },
      run: ({ world }) => {
        world.counterDown = false;
      },
    },
    // The text replay's customers, on the Monday only: the background traffic that trips breakers.
    ...customers
      .filter((c) => c.at.startsWith('2018-04-09') && paris(c.at) < paris('2018-04-09T16:00'))
      .map((customer) => ({ at: paris(customer.at), customer })),
  ],
};

const customer = (at: string, request: Customer['request'], name: string, locale: Locale = 'fr'): Beat => ({
  at: paris(at),
  customer: { at, name, feminine: false, locale, request },
});

const scene2022Thu: Scene = {
  id: '2022-thu',
  title: {
    fr: 'Jeudi 15 septembre 2022 : les virements en ligne de La Banque Postale tombent en panne',
    en: "Thursday 15 September 2022: La Banque Postale's online transfers go down",
  },
  from: paris('2022-09-15T08:30'),
  to: paris('2022-09-15T12:00'),
  exclude: ['wero'],
  beats: [
    {
      at: paris('2022-09-15T08:30'),
      text: {
        fr: "Jeudi matin : l'appli et le site fonctionnent. (Wero n'existait pas encore : il n'est pas proposé.)",
        en: 'Thursday morning: the app and the website work. (Wero did not exist yet: it is not offered.)',
      },
      run: ({ world }) => {
        world.counterDown = false;
        world.onlineBankingDown = false;
      },
    },
    {
      at: paris('2022-09-15T09:00'),
      text: {
        fr: "Panne matérielle : virements et gestion de la carte échouent dans l'appli et sur le site.",
        en: 'Hardware failure: transfers and card management fail in the app and on the website.',
      },
      run: ({ world }) => {
        world.onlineBankingDown = true;
      },
    },
    customer('2022-09-15T09:05', { op: 'transfer', input: { to: 'FR76 3000 4000 0500', amount: 80 } }, 'Martine'),
    customer('2022-09-15T09:12', { op: 'transfer', input: { to: 'FR76 1027 8060 0000', amount: 45 } }, 'Karim'),
    customer('2022-09-15T09:20', { op: 'card-block', input: { card: '**** 1188' } }, 'Julie'),
    customer('2022-09-15T09:31', { op: 'transfer', input: { to: 'GB29 NWBK 6016', amount: 300 } }, 'Alan', 'en'),
    customer('2022-09-15T09:40', { op: 'balance', input: { account: 'CCP-1234' } }, 'Noé'),
    {
      at: paris('2022-09-15T10:00'),
      text: {
        fr: "L'exploitant déclare la panne des virements et de la gestion de la carte en ligne, sans heure de fin.",
        en: 'The operator declares the outage of online transfers and card management, with no end time.',
      },
      run: (ctx) =>
        ctx.declareOutage({
          id: INCIDENT_2022,
          operations: ['transfer', 'card-block'],
          channels: ['app', 'web'],
          reason: REASON_2022,
        }),
    },
    customer('2022-09-15T10:30', { op: 'transfer', input: { to: 'FR76 3000 4000 0600', amount: 150 } }, 'Sylvie'),
    customer('2022-09-15T11:15', { op: 'balance', input: { account: 'CCP-9876' } }, 'Paul'),
  ],
};

const scene2022Fri: Scene = {
  id: '2022-fri',
  title: {
    fr: 'Vendredi 16 septembre 2022 : toujours en panne en fin d’après-midi',
    en: 'Friday 16 September 2022: still down in the late afternoon',
  },
  from: paris('2022-09-16T16:00'),
  to: paris('2022-09-16T18:00'),
  exclude: ['wero'],
  beats: [
    {
      at: paris('2022-09-16T16:00'),
      text: {
        fr: 'Le lendemain, 16:00 : plus de 24 heures de panne.',
        en: 'The next day, 16:00: down for more than 24 hours.',
      },
    },
    customer('2022-09-16T16:20', { op: 'transfer', input: { to: 'FR76 3000 4000 0700', amount: 60 } }, 'Lucas'),
    {
      at: paris('2022-09-16T17:15'),
      text: { fr: 'Le matériel est réparé.', en: 'The hardware is repaired.' },
      run: ({ world }) => {
        world.onlineBankingDown = false;
      },
    },
    {
      at: paris('2022-09-16T17:30'),
      text: { fr: "L'exploitant met fin à la panne déclarée.", en: 'The operator ends the declared outage.' },
      run: (ctx) => ctx.endOutage(INCIDENT_2022),
    },
  ],
};

/**
 * The server plays a scene's beats in array order, up to the current instant: out of time
 * order, a later beat would hold back the earlier ones behind it (the 2018 customers waited
 * for the 10:30 declaration). Sorted here, stably: beats of one instant keep their order.
 */
const inTimeOrder = (scene: Scene): Scene => ({ ...scene, beats: [...scene.beats].sort((a, b) => a.at - b.at) });

export const SCENES: readonly Scene[] = [scene2018, scene2022Thu, scene2022Fri].map(inTimeOrder);

/** Virtual time: `speed` times real time from an anchor, moved by jumps between scenes. */
export class DemoClock {
  private virtualAt: number;
  private realAt: number;
  constructor(
    start: number,
    readonly speed: number,
  ) {
    this.virtualAt = start;
    this.realAt = Date.now();
  }
  now = (): number => this.virtualAt + (Date.now() - this.realAt) * this.speed;
  jump(to: number): void {
    this.virtualAt = to;
    this.realAt = Date.now();
  }
}
