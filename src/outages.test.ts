import { describe, expect, it } from 'vitest';
import { configError } from '../test/helpers/config-error.js';
import { defineCatalog } from './catalog.js';
import { type Outage, OutageBook, outageChannels, parseOutage } from './outages.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'the app', dependsOn: ['online-banking'] },
    web: { kind: 'digital', label: 'the website', dependsOn: ['online-banking', 'cdn'] },
    counter: { kind: 'in-person', label: 'the counter', dependsOn: ['counter-it'] },
    phone: { kind: 'phone', label: '3639' },
  },
  operations: {
    transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }] },
    'stamp-purchase': { label: 'Stamps', routes: [{ channel: 'counter' }, { channel: 'web' }] },
  },
});

// Monday 9 April 2018, 10:00 in Paris.
const NOW = Date.parse('2018-04-09T08:00:00Z');
const HOUR = 3_600_000;
const reason = { fr: 'Les guichets sont en panne.', en: 'Counters are down.' };

const declare = (input: Record<string, unknown>, now = NOW) => parseOutage(catalog, { reason, ...input }, now);

describe('parseOutage', () => {
  it('fills in the defaults', () => {
    const outage = declare({ channels: ['counter'] });
    expect(outage).toEqual({
      id: expect.stringMatching(/^out-/),
      kind: 'outage',
      channels: ['counter'],
      operations: [],
      systems: [],
      reason,
      from: '2018-04-09T08:00:00.000Z',
      declaredAt: '2018-04-09T08:00:00.000Z',
    });
    expect(outage).not.toHaveProperty('until');
  });

  it('gives each outage its own id, and keeps one given', () => {
    expect(declare({ channels: ['counter'] }).id).not.toBe(declare({ channels: ['counter'] }).id);
    expect(declare({ channels: ['counter'], id: 'INC-2018-0409' }).id).toBe('INC-2018-0409');
  });

  it('returns a frozen outage and leaves the input alone', () => {
    const input = { channels: ['counter', 'counter'], reason: { ...reason }, kind: 'maintenance' };
    const outage = parseOutage(catalog, input, NOW);
    expect(outage.channels).toEqual(['counter']);
    expect(outage.kind).toBe('maintenance');
    expect(input.channels).toEqual(['counter', 'counter']);
    expect(Object.isFrozen(outage)).toBe(true);
    expect(Object.isFrozen(outage.channels)).toBe(true);
    expect(Object.isFrozen(outage.reason)).toBe(true);
    expect(outage.reason).not.toBe(input.reason);
  });

  it('lists every unknown channel, operation and system with its path', () => {
    const error = configError(() =>
      declare({ channels: ['counter', 'guichet'], operations: ['tranfser'], systems: ['mainframe'] }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['channels[1]', 'operations[0]', 'systems[0]']);
    expect(error.issues[0]?.message).toMatch(/unknown channel `guichet`; known: app, web, counter, phone/);
    expect(error.issues[1]?.message).toMatch(/unknown operation `tranfser`/);
    expect(error.issues[2]?.message).toMatch(/unknown system `mainframe`; known: online-banking, cdn, counter-it/);
    expect(error.message).toContain('→ at channels[1]');
  });

  it('reports problems of form together with unknown ids', () => {
    const error = configError(() => parseOutage(catalog, { channels: ['guichet'], reason: '' }, NOW));
    expect(error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['reason', 'channels[0]']));
  });

  it.each([
    ['nothing', {}],
    ['empty lists', { channels: [], operations: [], systems: [] }],
  ])('rejects an outage that names %s', (_, input) => {
    expect(configError(() => declare(input)).message).toMatch(/name at least one channel, operation or system/);
  });

  it.each([
    ['no reason', { channels: ['app'], reason: undefined }, 'reason'],
    ['an empty reason', { channels: ['app'], reason: '  ' }, 'reason'],
    ['an unknown kind', { channels: ['app'], kind: 'incident' }, 'kind'],
    ['an unknown field', { channels: ['app'], channel: 'app' }, ''],
    ['an id with spaces', { channels: ['app'], id: 'my outage' }, 'id'],
    ['a date that is no date', { channels: ['app'], until: 'tomorrow' }, 'until'],
    ['a negative epoch', { channels: ['app'], from: -1 }, 'from'],
    ['an invalid Date', { channels: ['app'], until: new Date('nope') }, 'until'],
  ])('rejects %s', (_, input, path) => {
    expect(configError(() => declare(input)).issues.map((i) => i.path)).toContain(path);
  });

  it('rejects an end before the start', () => {
    const error = configError(() => declare({ channels: ['app'], from: NOW + 2 * HOUR, until: NOW + HOUR }));
    expect(error.issues).toEqual([{ path: 'until', message: 'must be after `from`' }]);
  });

  it('rejects an end equal to the start', () => {
    const error = configError(() => declare({ channels: ['app'], from: NOW + HOUR, until: NOW + HOUR }));
    expect(error.issues.map((i) => i.path)).toEqual(['until']);
  });

  it('rejects an end already past', () => {
    const error = configError(() => declare({ channels: ['app'], from: NOW - 2 * HOUR, until: NOW - HOUR }));
    expect(error.issues).toEqual([{ path: 'until', message: 'is already past' }]);
  });

  it('rejects an end too far away to be a date', () => {
    expect(configError(() => declare({ channels: ['app'], until: 1e20 })).issues.map((i) => i.path)).toEqual(['until']);
  });

  it('accepts a Date, an ISO string and epoch ms alike', () => {
    const until = NOW + 6 * HOUR;
    const expected = '2018-04-09T14:00:00.000Z';
    expect(declare({ channels: ['app'], until: new Date(until) }).until).toBe(expected);
    expect(declare({ channels: ['app'], until: expected }).until).toBe(expected);
    expect(declare({ channels: ['app'], until: '2018-04-09T16:00:00+02:00' }).until).toBe(expected);
    expect(declare({ channels: ['app'], until }).until).toBe(expected);
    expect(declare({ channels: ['app'], from: new Date(NOW + HOUR) }).from).toBe('2018-04-09T09:00:00.000Z');
  });

  it('accepts a start in the past with an end in the future', () => {
    const outage = declare({ channels: ['app'], from: NOW - HOUR, until: NOW + HOUR });
    expect(outage.from).toBe('2018-04-09T07:00:00.000Z');
    expect(outage.declaredAt).toBe('2018-04-09T08:00:00.000Z');
  });
});

describe('outageChannels', () => {
  it('covers the channels named', () => {
    expect(outageChannels(catalog, declare({ channels: ['counter'] }))).toEqual(new Set(['counter']));
  });

  it('expands a system to every channel that depends on it', () => {
    expect(outageChannels(catalog, declare({ systems: ['online-banking'] }))).toEqual(new Set(['app', 'web']));
    expect(outageChannels(catalog, declare({ systems: ['cdn'] }))).toEqual(new Set(['web']));
  });

  it('adds the channels named to those of the systems', () => {
    expect(outageChannels(catalog, declare({ channels: ['phone'], systems: ['counter-it'] }))).toEqual(
      new Set(['phone', 'counter']),
    );
  });

  it('covers no whole channel for an outage of operations only', () => {
    expect(outageChannels(catalog, declare({ operations: ['transfer'] })).size).toBe(0);
  });
});

describe('OutageBook', () => {
  const FROM = NOW + HOUR;
  const UNTIL = NOW + 3 * HOUR;

  function book(...outages: Outage[]): OutageBook {
    const b = new OutageBook();
    for (const o of outages) b.add(o);
    return b;
  }

  const planned = () =>
    declare({ channels: ['counter'], kind: 'maintenance', from: FROM, until: UNTIL, id: 'planned' });

  it('holds an outage from its start, inclusive, until its end, exclusive', () => {
    const b = book(planned());
    expect(b.active(FROM - 1)).toEqual([]);
    expect(b.active(FROM).map((o) => o.id)).toEqual(['planned']);
    expect(b.active(UNTIL - 1).map((o) => o.id)).toEqual(['planned']);
    expect(b.active(UNTIL)).toEqual([]);
  });

  it('counts a scheduled outage as current until its end', () => {
    const b = book(planned());
    expect(b.current(NOW).map((o) => o.id)).toEqual(['planned']);
    expect(b.current(UNTIL - 1).map((o) => o.id)).toEqual(['planned']);
    expect(b.current(UNTIL)).toEqual([]);
  });

  it('keeps an outage without an end until it is removed', () => {
    const open = declare({ systems: ['online-banking'], id: 'open' });
    const b = book(open);
    expect(b.active(NOW + 1000 * 24 * HOUR)).toEqual([open]);
    expect(b.expire(NOW + 1000 * 24 * HOUR)).toEqual([]);
    expect(b.remove('open')).toBe(open);
    expect(b.active(NOW)).toEqual([]);
    expect(b.size).toBe(0);
  });

  it('expires an outage at its end, not before', () => {
    const b = book(planned());
    expect(b.expire(UNTIL - 1)).toEqual([]);
    expect(b.size).toBe(1);
    expect(b.expire(UNTIL).map((o) => o.id)).toEqual(['planned']);
    expect(b.size).toBe(0);
    expect(b.get('planned')).toBeUndefined();
  });

  it('expires only the outages that are over', () => {
    const short = declare({ channels: ['app'], until: NOW + HOUR, id: 'short' });
    const b = book(short, planned());
    expect(b.expire(NOW + 2 * HOUR).map((o) => o.id)).toEqual(['short']);
    expect(b.get('planned')).toBeDefined();
  });

  it('lists active outages in declaration order', () => {
    const first = declare({ channels: ['web'], id: 'first' });
    const second = declare({ channels: ['app'], id: 'second' });
    expect(book(first, second).active(NOW)).toEqual([first, second]);
    expect(book(second, first).active(NOW)).toEqual([second, first]);
  });

  it('tells the next instant an outage starts or ends', () => {
    const b = book(planned());
    expect(b.nextChange(NOW)).toBe(FROM);
    expect(b.nextChange(FROM - 1)).toBe(FROM);
    expect(b.nextChange(FROM)).toBe(UNTIL);
    expect(b.nextChange(UNTIL - 1)).toBe(UNTIL);
    expect(b.nextChange(UNTIL)).toBe(Number.POSITIVE_INFINITY);
  });

  it('takes the earliest change across outages', () => {
    const short = declare({ channels: ['app'], until: NOW + 30 * 60_000, id: 'short' });
    expect(book(planned(), short).nextChange(NOW)).toBe(NOW + 30 * 60_000);
    expect(book(declare({ channels: ['app'] })).nextChange(NOW)).toBe(Number.POSITIVE_INFINITY);
    expect(new OutageBook().nextChange(NOW)).toBe(Number.POSITIVE_INFINITY);
  });

  it('replaces an outage declared again with the same id', () => {
    const b = book(planned(), declare({ channels: ['app'], id: 'planned' }));
    expect(b.size).toBe(1);
    expect(b.get('planned')?.channels).toEqual(['app']);
  });

  it('returns nothing when removing an unknown id', () => {
    expect(book(planned()).remove('nope')).toBeUndefined();
  });
});
