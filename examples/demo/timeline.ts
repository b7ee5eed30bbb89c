/**
 * Monday 9 April 2018, as the customers of the replay live it: who comes when, asking for what.
 *
 * Times are Paris wall-clock times (UTC+2 in April). The facts: every counter terminal in the
 * ~8,500 post offices was down from opening time until about 15:00; cash machines, postage
 * machines, the website and the app kept working; Tuesday was back to normal.
 *
 * A handful of customers stands for the whole country: the breakers here see a few calls an
 * hour, where the real national router would have seen thousands of failures in the first
 * seconds after 09:00.
 */
import type { ChannelIdOf } from '../../src/index.js';
import type { laPoste } from '../../src/presets/la-poste.js';
import type { DemoLocale as Locale } from './opening-hours-text.js';

type Ch = ChannelIdOf<typeof laPoste>;

export interface StampOrder {
  stamps: number;
}
export interface Item {
  item: 'letter' | 'parcel' | 'registered-letter';
  grams: number;
}
export interface Cash {
  amount: number;
}
export interface Notice {
  notice: string;
}
export interface Tracking {
  tracking: string;
}
export interface TransferOrder {
  to: string;
  amount: number;
}
export interface CardRef {
  card: string;
}
export interface AccountRef {
  account: string;
}

/** What a customer asks for: one operation of the preset and its input. */
export type Request =
  | { op: 'stamp-purchase'; input: StampOrder }
  | { op: 'postage'; input: Item }
  | { op: 'cash-withdrawal'; input: Cash }
  | { op: 'cash-deposit'; input: Cash }
  | { op: 'registered-mail-pickup'; input: Notice }
  | { op: 'parcel-pickup'; input: Tracking }
  | { op: 'transfer'; input: TransferOrder }
  | { op: 'card-block'; input: CardRef }
  | { op: 'balance'; input: AccountRef };

export type Period = 'before' | 'during' | 'after';

export interface Customer {
  /** Paris wall-clock time, `YYYY-MM-DDTHH:MM`. */
  at: string;
  name: string;
  /** For French agreement: servie / servi. */
  feminine: boolean;
  locale: Locale;
  request: Request;
  /** Channels this person cannot use: no smartphone, no internet. */
  exclude?: readonly Ch[];
}

const NO_SMARTPHONE: readonly Ch[] = ['app', 'wero'];
const OFFLINE: readonly Ch[] = ['app', 'wero', 'web'];

export const DAY = '2018-04-09';
export const NEXT_DAY = '2018-04-10';

/** Paris wall-clock `YYYY-MM-DDTHH:MM` (April: UTC+2) → epoch ms. */
export function paris(local: string): number {
  return Date.parse(`${local}:00+02:00`);
}

/** When the replay starts: 08:00 in Paris. */
export const START = paris(`${DAY}T08:00`);
/** Counter terminals fail from opening time… */
export const TERMINALS_DOWN = paris(`${DAY}T09:00`);
/** …until about 15:00. */
export const TERMINALS_BACK = paris(`${DAY}T15:00`);
/** When an operator declares the outage. */
export const DECLARED_AT = paris(`${DAY}T10:30`);

export function periodOf(at: number): Period {
  return at < TERMINALS_DOWN ? 'before' : at < TERMINALS_BACK ? 'during' : 'after';
}

const m = (hhmm: string) => `${DAY}T${hhmm}`;

export const customers: readonly Customer[] = [
  // ── Before opening: the office (counter and postage machines) opens at 09:00 ──────────────
  {
    at: m('08:40'),
    name: 'Jeanne',
    feminine: true,
    locale: 'fr',
    request: { op: 'cash-withdrawal', input: { amount: 60 } },
  },
  {
    at: m('08:45'),
    name: 'Emily',
    feminine: true,
    locale: 'en',
    request: { op: 'stamp-purchase', input: { stamps: 10 } },
  },
  {
    at: m('08:50'),
    name: 'Marcel',
    feminine: false,
    locale: 'fr',
    exclude: NO_SMARTPHONE,
    request: { op: 'registered-mail-pickup', input: { notice: 'AR-55120' } },
  },
  {
    at: m('08:55'),
    name: 'Kevin',
    feminine: false,
    locale: 'en',
    request: { op: 'transfer', input: { to: 'FR76 3000 4000 0500 0012 3456 789', amount: 120 } },
  },

  // ── 09:00: the counter terminals fail everywhere ──────────────────────────────────────────
  {
    at: m('09:02'),
    name: 'Claire',
    feminine: true,
    locale: 'fr',
    request: { op: 'stamp-purchase', input: { stamps: 12 } },
  },
  {
    at: m('09:06'),
    name: 'Ahmed',
    feminine: false,
    locale: 'fr',
    request: { op: 'postage', input: { item: 'parcel', grams: 1200 } },
  },
  {
    at: m('09:09'),
    name: 'Lucie',
    feminine: true,
    locale: 'fr',
    request: { op: 'cash-withdrawal', input: { amount: 100 } },
  },
  {
    at: m('09:12'),
    name: 'Paul',
    feminine: false,
    locale: 'en',
    request: { op: 'stamp-purchase', input: { stamps: 6 } },
  },
  {
    at: m('09:15'),
    name: 'Odile',
    feminine: true,
    locale: 'fr',
    exclude: NO_SMARTPHONE,
    request: { op: 'registered-mail-pickup', input: { notice: 'AR-55187' } },
  },
  {
    at: m('09:20'),
    name: 'Hugo',
    feminine: false,
    locale: 'fr',
    request: { op: 'postage', input: { item: 'letter', grams: 50 } },
  },
  {
    at: m('09:24'),
    name: 'Sarah',
    feminine: true,
    locale: 'en',
    request: { op: 'stamp-purchase', input: { stamps: 20 } },
  },
  {
    at: m('09:30'),
    name: 'René',
    feminine: false,
    locale: 'fr',
    exclude: NO_SMARTPHONE,
    request: { op: 'cash-deposit', input: { amount: 300 } },
  },
  {
    at: m('09:35'),
    name: 'Nadia',
    feminine: true,
    locale: 'fr',
    request: { op: 'postage', input: { item: 'registered-letter', grams: 40 } },
  },
  {
    at: m('09:41'),
    name: 'Yves',
    feminine: false,
    locale: 'fr',
    request: { op: 'registered-mail-pickup', input: { notice: 'AR-55302' } },
  },
  {
    at: m('09:50'),
    name: 'Tom',
    feminine: false,
    locale: 'en',
    request: { op: 'postage', input: { item: 'letter', grams: 20 } },
  },
  {
    at: m('09:55'),
    name: 'Gisèle',
    feminine: true,
    locale: 'fr',
    request: { op: 'cash-withdrawal', input: { amount: 400 } },
  },
  {
    at: m('10:05'),
    name: 'Inès',
    feminine: true,
    locale: 'fr',
    request: { op: 'cash-deposit', input: { amount: 150 } },
  },
  {
    at: m('10:15'),
    name: 'Jules',
    feminine: false,
    locale: 'fr',
    request: { op: 'parcel-pickup', input: { tracking: '6A14871234567' } },
  },

  // ── 10:30: an operator declares the outage, until 15:00 ─────────────────────────────────
  {
    at: m('10:35'),
    name: 'Chantal',
    feminine: true,
    locale: 'fr',
    exclude: NO_SMARTPHONE,
    request: { op: 'cash-deposit', input: { amount: 200 } },
  },
  {
    at: m('10:40'),
    name: 'Mohamed',
    feminine: false,
    locale: 'fr',
    request: { op: 'parcel-pickup', input: { tracking: '6A14879876543' } },
  },
  {
    at: m('11:10'),
    name: 'Oliver',
    feminine: false,
    locale: 'en',
    request: { op: 'registered-mail-pickup', input: { notice: 'AR-56011' } },
  },
  {
    at: m('11:30'),
    name: 'Denise',
    feminine: true,
    locale: 'fr',
    exclude: NO_SMARTPHONE,
    request: { op: 'stamp-purchase', input: { stamps: 10 } },
  },
  {
    at: m('12:15'),
    name: 'Bernard',
    feminine: false,
    locale: 'fr',
    exclude: NO_SMARTPHONE,
    request: { op: 'postage', input: { item: 'letter', grams: 20 } },
  },
  {
    at: m('12:30'),
    name: 'Amélie',
    feminine: true,
    locale: 'fr',
    request: { op: 'cash-withdrawal', input: { amount: 80 } },
  },
  {
    at: m('13:00'),
    name: 'James',
    feminine: false,
    locale: 'en',
    exclude: NO_SMARTPHONE,
    request: { op: 'transfer', input: { to: 'GB29 NWBK 6016 1331 9268 19', amount: 250 } },
  },
  {
    at: m('13:30'),
    name: 'Pierre',
    feminine: false,
    locale: 'fr',
    exclude: OFFLINE,
    request: { op: 'transfer', input: { to: 'FR76 1027 8060 0000 0212 3456 789', amount: 500 } },
  },
  {
    at: m('14:00'),
    name: 'Élise',
    feminine: true,
    locale: 'fr',
    request: { op: 'card-block', input: { card: '**** 4821' } },
  },
  {
    at: m('14:20'),
    name: 'Lina',
    feminine: true,
    locale: 'en',
    request: { op: 'cash-withdrawal', input: { amount: 200 } },
  },
  {
    at: m('14:45'),
    name: 'Hélène',
    feminine: true,
    locale: 'fr',
    request: { op: 'stamp-purchase', input: { stamps: 10 } },
  },

  // ── 15:00: the terminals work again, the declared outage expires by itself ────────────────
  {
    at: m('15:05'),
    name: 'Marc',
    feminine: false,
    locale: 'fr',
    request: { op: 'stamp-purchase', input: { stamps: 12 } },
  },
  {
    at: m('15:15'),
    name: 'Sophie',
    feminine: true,
    locale: 'fr',
    request: { op: 'registered-mail-pickup', input: { notice: 'AR-55187' } },
  },
  {
    at: m('15:30'),
    name: 'George',
    feminine: false,
    locale: 'en',
    request: { op: 'postage', input: { item: 'parcel', grams: 800 } },
  },
  {
    at: m('15:45'),
    name: 'Roger',
    feminine: false,
    locale: 'fr',
    exclude: NO_SMARTPHONE,
    request: { op: 'cash-deposit', input: { amount: 500 } },
  },
  {
    at: m('16:10'),
    name: 'Anne',
    feminine: true,
    locale: 'fr',
    request: { op: 'cash-withdrawal', input: { amount: 50 } },
  },
  {
    at: m('17:45'),
    name: 'Lucas',
    feminine: false,
    locale: 'fr',
    request: { op: 'registered-mail-pickup', input: { notice: 'AR-56120' } },
  },
  // ── Tuesday 10 April: back to normal ─────────────────────────────────────────────────────
  {
    at: `${NEXT_DAY}T09:10`,
    name: 'Claire',
    feminine: true,
    locale: 'fr',
    request: { op: 'postage', input: { item: 'parcel', grams: 2000 } },
  },
];
