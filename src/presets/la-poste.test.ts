import { describe, expect, it } from 'vitest';
import { hours3631 } from '../../test/helpers/hours.js';
import { defineCatalog, parseCatalog } from '../catalog.js';
import { availability } from '../hours.js';
import type { Text } from '../i18n/text.js';
import { laPoste } from './la-poste.js';

const CHANNELS = [
  'counter',
  'atm',
  'postage-machine',
  'web',
  'app',
  'wero',
  'phone-3639',
  'phone-3631',
  'card-block-line',
  'relay-point',
  'tobacconist',
  'other-bank-atm',
  'postman',
];

const OPERATIONS = [
  'transfer',
  'cash-withdrawal',
  'cash-deposit',
  'stamp-purchase',
  'postage',
  'registered-mail-pickup',
  'parcel-pickup',
  'card-block',
  'balance',
];

/** Paris local wall-clock time → epoch ms (winter: UTC+1, summer: UTC+2). */
const paris = (iso: string) => {
  const month = Number(iso.slice(5, 7));
  const offset = month >= 4 && month <= 9 ? '+02:00' : '+01:00';
  return Date.parse(`${iso}${offset}`);
};

function expectBilingual(text: Text | undefined, where: string) {
  expect(text, where).toBeTypeOf('object');
  const t = text as { fr?: string; en?: string };
  expect(t.fr?.trim(), `${where}.fr`).toBeTruthy();
  expect(t.en?.trim(), `${where}.en`).toBeTruthy();
  expect(t.fr, `${where}: fr and en should differ`).not.toBe(t.en);
}

const routesOf = (op: keyof typeof laPoste.operations) => laPoste.operations[op].routes.map((r) => r.channel);

describe('la-poste preset', () => {
  it('has exactly the expected channels and operations', () => {
    expect(Object.keys(laPoste.channels).sort()).toEqual([...CHANNELS].sort());
    expect(Object.keys(laPoste.operations).sort()).toEqual([...OPERATIONS].sort());
  });

  it('has fr and en for every label, note and instruction', () => {
    for (const [id, channel] of Object.entries(laPoste.channels)) {
      expectBilingual(channel.label, `channels.${id}.label`);
      if (channel.notes !== undefined) expectBilingual(channel.notes, `channels.${id}.notes`);
    }
    for (const [id, op] of Object.entries(laPoste.operations)) {
      expectBilingual(op.label, `operations.${id}.label`);
      op.routes.forEach((route, i) => {
        expectBilingual(route.instructions, `operations.${id}.routes[${i}].instructions`);
      });
    }
  });

  it('gives every channel its kind, and every timed channel the Paris time zone', () => {
    const kinds = Object.fromEntries(Object.entries(laPoste.channels).map(([id, c]) => [id, c.kind]));
    expect(kinds).toEqual({
      counter: 'in-person',
      atm: 'self-service',
      'postage-machine': 'self-service',
      web: 'digital',
      app: 'digital',
      wero: 'digital',
      'phone-3639': 'phone',
      'phone-3631': 'phone',
      'card-block-line': 'phone',
      'relay-point': 'in-person',
      tobacconist: 'in-person',
      'other-bank-atm': 'self-service',
      postman: 'in-person',
    });
    for (const channel of Object.values(laPoste.channels)) {
      if (channel.hours) expect(channel.hours.timeZone).toBe('Europe/Paris');
    }
    // Around the clock: no hours.
    expect(laPoste.channels.atm.hours).toBeUndefined();
    expect(laPoste.channels['card-block-line'].hours).toBeUndefined();
    expect(laPoste.channels.web.hours).toBeUndefined();
    expect(laPoste.channels.app.hours).toBeUndefined();
  });

  it('declares the shared systems each channel depends on', () => {
    expect(laPoste.channels.counter.dependsOn).toEqual(['counter-it']);
    expect(laPoste.channels.atm.dependsOn).toEqual(['atm-network']);
    expect(laPoste.channels.web.dependsOn).toEqual(['online-banking', 'laposte-fr']);
    expect(laPoste.channels.app.dependsOn).toEqual(['online-banking']);
    expect(laPoste.channels.wero.dependsOn).toEqual(['wero-network']);
    // 9 April 2018: the machines kept working while the counter terminals were down.
    expect(laPoste.channels['postage-machine'].dependsOn ?? []).not.toContain('counter-it');
  });

  it('has the phone numbers', () => {
    expect(laPoste.channels['phone-3639'].contact?.phone).toBe('3639');
    expect(laPoste.channels['phone-3631'].contact?.phone).toBe('3631');
    expect(laPoste.channels['card-block-line'].contact?.phone).toBe('09 69 39 99 98');
  });

  it('has the 3631 hours exactly: Mon–Fri 08:30-19:00, Sat 08:30-13:00, Paris time', () => {
    expect(laPoste.channels['phone-3631'].hours).toEqual(hours3631);
  });

  it('says 3631 is open on a Monday at 10:00 Paris time and closed on a Sunday', () => {
    const hours = laPoste.channels['phone-3631'].hours;
    // Monday 5 January 2026 (winter) and Monday 1 June 2026 (summer).
    expect(availability(hours, paris('2026-01-05T10:00:00'))).toEqual({
      openNow: true,
      closesAt: paris('2026-01-05T19:00:00'),
    });
    expect(availability(hours, paris('2026-06-01T10:00:00')).openNow).toBe(true);
    // Sunday 7 June 2026: closed, opens Monday at 08:30.
    expect(availability(hours, paris('2026-06-07T10:00:00'))).toEqual({
      openNow: false,
      opensAt: paris('2026-06-08T08:30:00'),
    });
    // Saturday afternoon: closed since 13:00.
    expect(availability(hours, paris('2026-06-06T13:30:00')).openNow).toBe(false);
  });

  it('puts first, for every operation, what a person would normally use', () => {
    const first = Object.fromEntries(Object.entries(laPoste.operations).map(([id, op]) => [id, op.routes[0]?.channel]));
    expect(first).toEqual({
      transfer: 'app',
      'cash-withdrawal': 'atm',
      'cash-deposit': 'counter',
      'stamp-purchase': 'counter',
      postage: 'counter',
      'registered-mail-pickup': 'counter',
      'parcel-pickup': 'counter',
      'card-block': 'app',
      balance: 'app',
    });
  });

  it('sends people from the counter to the machines first, as on 9 April 2018', () => {
    expect(routesOf('stamp-purchase').slice(0, 2)).toEqual(['counter', 'postage-machine']);
    expect(routesOf('postage').slice(0, 2)).toEqual(['counter', 'postage-machine']);
  });

  it('orders the routes of every operation', () => {
    expect(routesOf('transfer')).toEqual(['app', 'web', 'wero', 'phone-3639', 'counter']);
    expect(routesOf('cash-withdrawal')).toEqual(['atm', 'counter', 'other-bank-atm', 'relay-point', 'postman']);
    expect(routesOf('cash-deposit')).toEqual(['counter', 'atm', 'relay-point']);
    expect(routesOf('stamp-purchase')).toEqual([
      'counter',
      'postage-machine',
      'app',
      'web',
      'tobacconist',
      'relay-point',
      'postman',
    ]);
    expect(routesOf('postage')).toEqual(['counter', 'postage-machine', 'web', 'app', 'relay-point', 'tobacconist']);
    expect(routesOf('registered-mail-pickup')).toEqual(['counter', 'relay-point', 'web', 'phone-3631']);
    expect(routesOf('parcel-pickup')).toEqual(['counter', 'relay-point', 'web', 'app']);
    expect(routesOf('card-block')).toEqual(['app', 'web', 'card-block-line', 'phone-3639', 'counter']);
    expect(routesOf('balance')).toEqual(['app', 'web', 'counter', 'phone-3639']);
  });

  it('leaves out what no public source settles (unknown)', () => {
    expect(routesOf('transfer')).not.toContain('atm');
    expect(routesOf('registered-mail-pickup')).not.toContain('app');
    expect(routesOf('parcel-pickup')).not.toContain('phone-3631');
    expect(routesOf('balance')).not.toContain('atm');
    expect(routesOf('balance')).not.toContain('other-bank-atm');
  });

  it('is idempotent only for card blocking and balance', () => {
    const idempotent = Object.entries(laPoste.operations)
      .filter(([, op]) => op.idempotent)
      .map(([id]) => id)
      .sort();
    expect(idempotent).toEqual(['balance', 'card-block']);
  });

  it('puts the cash limits on the routes', () => {
    const limit = (op: keyof typeof laPoste.operations, channel: string) =>
      laPoste.operations[op].routes.find((r) => r.channel === channel)?.limits?.maxAmount;
    expect(limit('cash-withdrawal', 'relay-point')).toBe(350);
    expect(limit('cash-withdrawal', 'postman')).toBe(250);
    expect(limit('cash-deposit', 'relay-point')).toBe(500);
    expect(limit('cash-withdrawal', 'counter')).toBeUndefined();
  });

  it('tells the person what the limited routes can do', () => {
    const fr = (op: keyof typeof laPoste.operations, channel: string) => {
      const text = laPoste.operations[op].routes.find((r) => r.channel === channel)?.instructions;
      return typeof text === 'object' ? `${text.fr} ${text.en}` : String(text);
    };
    expect(fr('postage', 'app')).toMatch(/20 g/);
    expect(fr('cash-deposit', 'atm')).toMatch(/certains bureaux/);
    expect(fr('transfer', 'phone-3639')).toMatch(/\+33 1 45 45 36 39/);
    expect(fr('registered-mail-pickup', 'counter')).toMatch(/15 jours/);
  });

  it('marks the unverified facts', () => {
    const unverified = Object.fromEntries(
      Object.entries(laPoste.channels)
        .filter(([, c]) => c.unverified)
        .map(([id, c]) => [id, [...(c.unverified ?? [])].sort()]),
    );
    expect(unverified).toEqual({
      counter: ['hours'],
      'postage-machine': ['hours'],
      'phone-3639': ['cost', 'hours'],
      'phone-3631': ['cost'],
      'card-block-line': ['hours'],
      'relay-point': ['hours'],
      tobacconist: ['hours'],
      postman: ['cash-delivery', 'hours'],
    });
    // Every channel with unverified facts says so to the person, in a note.
    for (const id of Object.keys(unverified)) {
      expect(laPoste.channels[id as keyof typeof laPoste.channels].notes, id).toBeDefined();
    }
    // The card-blocking line's hours conflict between sources: the note says so.
    const note = laPoste.channels['card-block-line'].notes as { fr: string; en: string };
    expect(note.en).toMatch(/24\/7/);
    expect(note.en).toMatch(/office hours/);
  });

  it('survives JSON unchanged', () => {
    expect(parseCatalog(JSON.stringify(laPoste))).toEqual(laPoste);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(laPoste)).toBe(true);
    expect(Object.isFrozen(laPoste.channels['phone-3631'].hours?.weekly.mon)).toBe(true);
  });

  it('has parts that are valid catalogue input again', () => {
    const catalog = defineCatalog({
      channels: { line: laPoste.channels['phone-3631'] },
      operations: { x: { label: 'x', routes: [{ channel: 'line' }] } },
    });
    expect(catalog.channels.line).toEqual(laPoste.channels['phone-3631']);
    expect(catalog.operations.x.idempotent).toBe(false);
  });
});
