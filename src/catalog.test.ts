import { describe, expect, expectTypeOf, it } from 'vitest';
import { configError } from '../test/helpers/config-error.js';
import { hours3631 as hours3631Weekly } from '../test/helpers/hours.js';
import { type CatalogInput, defineCatalog, parseCatalog } from './catalog.js';
import { ConfigError, isSecoursError } from './errors.js';

const hours3631 = { ...hours3631Weekly, closedDates: ['2026-12-25'] };

const catalog = defineCatalog({
  channels: {
    app: {
      kind: 'digital',
      label: { fr: "l'appli", en: 'the app' },
      contact: { deepLink: 'labanquepostale://virement' },
      dependsOn: ['online-banking'],
    },
    phone: { kind: 'phone', label: { fr: 'le 3639', en: '3639' }, contact: { phone: '3639' }, hours: hours3631 },
    counter: {
      kind: 'in-person',
      label: 'le guichet',
      hours: { timeZone: 'Europe/Paris', weekly: { mon: ['09:00-12:00', '14:00-17:30'] } },
    },
  },
  operations: {
    transfer: {
      label: { fr: 'Virement', en: 'Transfer' },
      routes: [{ channel: 'app' }, { channel: 'phone', instructions: 'Dites « virement ».' }, { channel: 'counter' }],
    },
    balance: {
      label: 'Solde',
      idempotent: true,
      routes: [{ channel: 'app', limits: { minAmount: 0, maxAmount: 10 } }],
    },
  },
});

function pathsOf(error: ConfigError): string[] {
  return error.issues.map((i) => i.path);
}

/** Every object and array reachable from `value`, including itself. */
function objectsIn(value: unknown, out: object[] = []): object[] {
  if (typeof value === 'object' && value !== null) {
    out.push(value);
    for (const v of Object.values(value)) objectsIn(v, out);
  }
  return out;
}

const minimal = {
  channels: { app: { kind: 'digital', label: 'the app' } },
  operations: { transfer: { label: 'Transfer', routes: [{ channel: 'app' }] } },
} as const;

describe('defineCatalog', () => {
  it('returns the catalogue deeply frozen', () => {
    const objects = objectsIn(catalog);
    expect(objects).toContain(catalog.channels.phone.hours?.weekly.mon);
    expect(objects).toContain(catalog.operations.transfer.routes[0]);
    expect(objects.filter((o) => !Object.isFrozen(o))).toEqual([]);
    expect(() => {
      (catalog.channels.app as { kind: string }).kind = 'phone';
    }).toThrow(TypeError);
    expect(() => (catalog.operations.transfer.routes as unknown[]).push({ channel: 'app' })).toThrow(TypeError);
  });

  it("leaves the caller's object as it was, unfrozen", () => {
    const input = structuredClone({ ...minimal, channels: { app: { ...minimal.channels.app, dependsOn: ['x'] } } });
    const before = structuredClone(input);
    defineCatalog(input);
    expect(input).toEqual(before);
    expect(objectsIn(input).filter((o) => Object.isFrozen(o))).toEqual([]);
  });

  it('makes operations non-idempotent unless they say otherwise', () => {
    expect(catalog.operations.transfer.idempotent).toBe(false);
    expect(catalog.operations.balance.idempotent).toBe(true);
  });

  it('keeps the ids as literal types', () => {
    // @ts-expect-error `nope` is not a channel of this catalogue
    const nope = catalog.channels.nope;
    expect(nope).toBeUndefined();
    expectTypeOf(catalog.operations.transfer.routes[0]!.channel).toEqualTypeOf<'app' | 'phone' | 'counter'>();
    expectTypeOf(catalog.operations.balance.routes[0]!.channel).toEqualTypeOf<'app'>();
  });

  it('accepts a part of another catalogue as input', () => {
    const other = defineCatalog({
      channels: { line: catalog.channels.phone, web: catalog.channels.app },
      operations: {
        call: { label: catalog.operations.transfer.label, routes: [{ channel: 'line' }, { channel: 'web' }] },
      },
    });
    expect(other.channels.line).toEqual(catalog.channels.phone);
    expect(other.channels.web).toEqual(catalog.channels.app);
  });

  it('accepts every channel kind', () => {
    for (const kind of ['digital', 'self-service', 'phone', 'in-person'] as const) {
      expect(defineCatalog({ ...minimal, channels: { app: { kind, label: 'x' } } }).channels.app.kind).toBe(kind);
    }
  });
});

describe('a bad catalogue', () => {
  const bad = {
    channels: {
      app: { kind: 'digital', label: 'the app', colour: 'yellow' },
      phone: {
        kind: 'phone',
        label: '3639',
        hours: {
          timeZone: 'Europe/Paris',
          weekly: {
            mon: ['25:00-26:00'],
            tue: ['10:00-09:00'],
            wed: ['08:00-12:00', '11:00-13:00'],
          },
        },
      },
      counter: { kind: 'in-person', label: '   ' },
      x: { kind: 'carrier-pigeon', label: 'a pigeon' },
      kiosk: { kind: 'self-service', label: 'a kiosk', hours: { timeZone: 'Europe/Atlantis', weekly: {} } },
    },
    operations: {
      transfer: {
        label: 'Transfer',
        routes: [
          { channel: 'app', limits: { minAmount: 500, maxAmount: 100 } },
          { channel: 'fax' },
          { channel: 'app' },
        ],
      },
    },
  };

  it('throws a ConfigError listing every problem with its path', () => {
    const error = configError(() => parseCatalog(bad));
    expect(pathsOf(error)).toEqual(
      expect.arrayContaining([
        'operations.transfer.routes[1].channel',
        'operations.transfer.routes[2].channel',
        'operations.transfer.routes[0].limits',
        'channels.phone.hours.weekly.mon[0]',
        'channels.phone.hours.weekly.tue[0]',
        'channels.phone.hours.weekly.wed[1]',
        'channels.counter.label',
        'channels.x.kind',
        'channels.kiosk.hours.timeZone',
        expect.stringMatching(/^channels\.app(\.colour)?$/),
      ]),
    );
    expect(error.issues).toHaveLength(10);
  });

  it('names every path in its message', () => {
    const error = configError(() => parseCatalog(bad));
    for (const path of pathsOf(error)) expect(error.message).toContain(`→ at ${path}`);
    expect(error.message).toContain('10 problems');
  });

  it('says what is wrong, naming the value at fault', () => {
    const messages = Object.fromEntries(configError(() => parseCatalog(bad)).issues.map((i) => [i.path, i.message]));
    expect(messages['operations.transfer.routes[1].channel']).toMatch(/unknown channel `fax`/);
    expect(messages['operations.transfer.routes[2].channel']).toMatch(/duplicate route.*routes\[0\]/);
    expect(messages['channels.kiosk.hours.timeZone']).toMatch(/Europe\/Atlantis/);
    expect(messages['channels.x.kind']).toMatch(/digital, self-service, phone, in-person/);
    expect(messages['channels.phone.hours.weekly.mon[0]']).toMatch(/25:00-26:00/);
    expect(messages['channels.phone.hours.weekly.wed[1]']).toMatch(/overlaps/);
  });

  const withApp = (app: Record<string, unknown>) => ({
    ...minimal,
    channels: { app: { kind: 'digital', label: 'x', ...app } },
  });
  const withHours = (hours: Record<string, unknown>) =>
    withApp({ hours: { timeZone: 'Europe/Paris', weekly: {}, ...hours } });
  const withRoutes = (routes: unknown[]) => ({ ...minimal, operations: { transfer: { label: 'T', routes } } });

  it.each([
    ['an operation without routes', withRoutes([]), 'operations.transfer.routes'],
    [
      'a negative amount',
      withRoutes([{ channel: 'app', limits: { maxAmount: -1 } }]),
      'operations.transfer.routes[0].limits.maxAmount',
    ],
    [
      'an unsafe id',
      { ...minimal, channels: { ...minimal.channels, 'bad id': { kind: 'phone', label: 'x' } } },
      'channels.bad id',
    ],
    ['an empty label in one locale', withApp({ label: { fr: '', en: 'app' } }), 'channels.app.label.fr'],
    ['a label with no text in any locale', withApp({ label: {} }), 'channels.app.label'],
    ['a closed date that is no date', withHours({ closedDates: ['25/12/2026'] }), 'channels.app.hours.closedDates[0]'],
    ['an interval that is no interval', withHours({ weekly: { mon: ['8h-19h'] } }), 'channels.app.hours.weekly.mon[0]'],
    [
      'intervals out of order',
      withHours({ weekly: { mon: ['14:00-17:00', '09:00-12:00'] } }),
      'channels.app.hours.weekly.mon[1]',
    ],
    ['an unknown weekday', withHours({ weekly: { funday: ['09:00-12:00'] } }), 'channels.app.hours.weekly'],
  ])('rejects %s', (_, input, path) => {
    expect(pathsOf(configError(() => parseCatalog(input)))).toContain(path);
  });

  it('accepts intervals that touch and a day that ends at 24:00', () => {
    expect(() => parseCatalog(withHours({ weekly: { mon: ['00:00-12:00', '12:00-24:00'] } }))).not.toThrow();
  });

  it('rejects an extra unknown field and names it', () => {
    const error = configError(() => parseCatalog(withApp({ colour: 'yellow' })));
    expect(pathsOf(error)[0]).toMatch(/^channels\.app/);
    expect(error.message).toContain('colour');
  });

  it('rejects a `__proto__` key in JSON text', () => {
    const json = JSON.stringify(minimal).replace('"app":', '"__proto__":');
    expect(pathsOf(configError(() => parseCatalog(json)))).toContain('channels.__proto__');
  });

  it('rejects a `__proto__` key in the JSON of a weekly schedule', () => {
    const json = `{"channels":{"app":{"kind":"digital","label":"x","hours":{"timeZone":"Europe/Paris","weekly":{"__proto__":["09:00-12:00"]}}}},"operations":{}}`;
    expect(pathsOf(configError(() => parseCatalog(json)))[0]).toMatch(/^channels\.app\.hours\.weekly/);
  });

  it.each([
    [
      'the channel table',
      (): unknown => ({ ...minimal, channels: { __proto__: { app: minimal.channels.app } } }),
      'channels',
    ],
    [
      'the operation table',
      (): unknown => ({ ...minimal, operations: { __proto__: minimal.operations } }),
      'operations',
    ],
    [
      'a channel',
      (): unknown => ({
        ...minimal,
        channels: { app: { __proto__: { internal: true }, kind: 'digital', label: 'x' } },
      }),
      'channels.app',
    ],
    [
      'a route',
      (): unknown => ({
        ...minimal,
        operations: { transfer: { label: 'T', routes: [{ __proto__: { channel: 'app' } }] } },
      }),
      'operations.transfer.routes[0]',
    ],
    ['the catalogue itself', (): unknown => ({ __proto__: minimal }), ''],
  ])('rejects %s whose prototype was changed by `{ __proto__: … }`', (_, make, path) => {
    expect(pathsOf(configError(() => defineCatalog(make() as CatalogInput)))[0]).toBe(path);
  });
});

describe('parseCatalog', () => {
  it('accepts JSON text', () => {
    expect(parseCatalog(JSON.stringify(minimal))).toEqual({
      channels: { app: { kind: 'digital', label: 'the app' } },
      operations: { transfer: { label: 'Transfer', idempotent: false, routes: [{ channel: 'app' }] } },
    });
  });

  it('accepts an object', () => {
    expect(parseCatalog(minimal).operations.transfer?.routes).toEqual([{ channel: 'app' }]);
  });

  it('returns a frozen catalogue', () => {
    expect(objectsIn(parseCatalog(JSON.stringify(minimal))).filter((o) => !Object.isFrozen(o))).toEqual([]);
  });

  it('rejects text that is not JSON with a ConfigError', () => {
    const error = configError(() => parseCatalog('{ channels: '));
    expect(error.issues).toEqual([{ path: '', message: expect.stringMatching(/^not valid JSON/) }]);
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a number', 42],
    ['an empty object', {}],
  ])('rejects %s', (_, input) => {
    expect(configError(() => parseCatalog(input)).issues.length).toBeGreaterThan(0);
  });

  it('reads back a catalogue after a JSON round trip', () => {
    expect(parseCatalog(JSON.stringify(catalog))).toEqual(catalog);
    expect(parseCatalog(JSON.parse(JSON.stringify(catalog)))).toEqual(catalog);
  });
});

describe('ConfigError', () => {
  it('has a stable name and code and is a secours error', () => {
    const error = configError(() => parseCatalog('nope'));
    expect(error.name).toBe('ConfigError');
    expect(error.code).toBe('ERR_SECOURS_CONFIG');
    expect(isSecoursError(error)).toBe(true);
    expect(error).toBeInstanceOf(Error);
  });

  it('is told apart from other errors', () => {
    expect(isSecoursError(new Error('boom'))).toBe(false);
    expect(isSecoursError(null)).toBe(false);
    expect(isSecoursError('ConfigError')).toBe(false);
  });

  it('freezes its issues', () => {
    const issues = [{ path: 'a', message: 'b' }];
    const error = new ConfigError('thing', issues);
    issues.push({ path: 'c', message: 'd' });
    expect(error.issues).toEqual([{ path: 'a', message: 'b' }]);
    expect(Object.isFrozen(error.issues)).toBe(true);
    expect(error.message).toBe('Invalid thing (1 problem):\n  ✖ b → at a');
  });
});
