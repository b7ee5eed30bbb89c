// Ids are user data: one named like an Object.prototype member is an ordinary id, and one that
// is not declared is not found through the prototype.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configError } from '../test/helpers/config-error.js';
import { type AnyCatalog, defineCatalog, ensureCatalog, parseCatalog } from './catalog.js';
import { localise } from './i18n/text.js';
import { laPoste } from './presets/la-poste.js';

const PROTOTYPE_NAMES = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
];
const POOL = [...PROTOTYPE_NAMES, 'app', 'phone', 'counter'];

const channel = fc.record({
  kind: fc.constantFrom('digital', 'self-service', 'phone', 'in-person'),
  label: fc.oneof(fc.constantFrom(...POOL), fc.record({ fr: fc.constantFrom(...POOL) })),
  dependsOn: fc.uniqueArray(fc.constantFrom(...POOL), { maxLength: 3 }),
});
const world = fc.uniqueArray(fc.constantFrom(...POOL), { minLength: 1, maxLength: POOL.length }).chain((channelIds) =>
  fc.record({
    channels: fc.record(Object.fromEntries(channelIds.map((id) => [id, channel]))),
    operations: fc.dictionary(
      fc.constantFrom(...POOL),
      fc.record({
        label: fc.constantFrom(...POOL),
        idempotent: fc.boolean(),
        routes: fc
          .uniqueArray(fc.constantFrom(...channelIds), { minLength: 1 })
          .map((ids) => ids.map((c) => ({ channel: c }))),
      }),
      { maxKeys: 4 },
    ),
  }),
);

/** Every lookup a user of the catalogue makes, by every id of the pool. */
function lookups(catalog: AnyCatalog) {
  return POOL.map((id) => ({
    id,
    channel: catalog.channels[id],
    operation: catalog.operations[id],
    isChannel: id in catalog.channels,
    isOperation: id in catalog.operations,
  }));
}

describe('ids named like Object.prototype members', () => {
  it('are ordinary ids: they parse, round-trip through JSON, and every lookup finds exactly what was declared', () => {
    fc.assert(
      fc.property(world, (input) => {
        const declared = (table: Record<string, unknown>, id: string) =>
          Object.hasOwn(table, id) ? table[id] : undefined;
        const expected = POOL.map((id) => ({
          id,
          channel: declared(input.channels, id),
          operation: declared(input.operations, id),
          isChannel: Object.hasOwn(input.channels, id),
          isOperation: Object.hasOwn(input.operations, id),
        }));
        for (const catalog of [defineCatalog(input), parseCatalog(JSON.stringify(input))]) {
          expect(lookups(catalog)).toEqual(expected);
          expect(Object.keys(catalog.channels).sort()).toEqual(Object.keys(input.channels).sort());
          const again = parseCatalog(JSON.stringify(catalog));
          expect(again).toEqual(catalog);
          expect(lookups(again)).toEqual(expected);
          expect(JSON.parse(JSON.stringify(again))).toEqual(JSON.parse(JSON.stringify(input)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('finds no undeclared channel or operation through the prototype', () => {
    const catalog = parseCatalog({
      channels: { app: { kind: 'digital', label: 'App' } },
      operations: { transfer: { label: 'Transfer', routes: [{ channel: 'app' }] } },
    });
    for (const name of PROTOTYPE_NAMES) {
      expect(catalog.channels[name]).toBeUndefined();
      expect(catalog.operations[name]).toBeUndefined();
    }
  });

  it.each(PROTOTYPE_NAMES)('refuses a route to an undeclared channel `%s`', (name) => {
    const error = configError(() =>
      parseCatalog({
        channels: { app: { kind: 'digital', label: 'App' } },
        operations: { transfer: { label: 'Transfer', routes: [{ channel: name }] } },
      }),
    );
    expect(error.issues).toEqual([
      { path: 'operations.transfer.routes[0].channel', message: `unknown channel \`${name}\`; known channels: app` },
    ]);
  });

  it.each([
    ['a channel id', '{"channels":{"__proto__":{"kind":"digital","label":"x"}},"operations":{}}', 'channels.__proto__'],
    [
      'an operation id',
      '{"channels":{"app":{"kind":"digital","label":"x"}},"operations":{"__proto__":{"label":"T","routes":[{"channel":"app"}]}}}',
      'operations.__proto__',
    ],
    [
      'a text key',
      '{"channels":{"app":{"kind":"digital","label":{"__proto__":"x","fr":"y"}}},"operations":{}}',
      'channels.app.label.__proto__',
    ],
  ])('refuses `__proto__` as %s, at its path: it cannot be stored as an own key safely', (_, json, path) => {
    expect(configError(() => parseCatalog(json)).issues.map((i) => i.path)).toContain(path);
  });

  it('reads a text in a locale by its own key only', () => {
    expect(localise({ fr: 'Virement' }, 'constructor' as never)).toBe('Virement');
    expect(localise({ en: 'Transfer' }, 'toString' as never)).toBe('Transfer');
  });
});

describe('ensureCatalog', () => {
  it('returns a catalogue made by defineCatalog or parseCatalog as it is', () => {
    const parsed = parseCatalog(JSON.stringify(laPoste));
    expect(ensureCatalog(laPoste)).toBe(laPoste);
    expect(ensureCatalog(parsed)).toBe(parsed);
  });

  it('validates a raw object, and refuses one whose route names an unknown channel', () => {
    const raw = JSON.parse(JSON.stringify(laPoste));
    const checked = ensureCatalog(raw);
    expect(checked).not.toBe(raw);
    expect(checked).toEqual(laPoste);
    expect(ensureCatalog(checked)).toBe(checked);
    raw.operations.transfer.routes.push({ channel: 'carrier-pigeon' });
    const error = configError(() => ensureCatalog(raw));
    expect(error.issues[0]?.path).toMatch(/^operations\.transfer\.routes\[\d+\]\.channel$/);
    expect(configError(() => ensureCatalog(undefined)).issues.length).toBeGreaterThan(0);
  });

  it('checks again a copy of a validated catalogue, which may have been changed', () => {
    const copy = structuredClone(laPoste) as { channels: Record<string, unknown> };
    copy.channels.app = { kind: 'fax' };
    expect(configError(() => ensureCatalog(copy)).issues.map((i) => i.path)).toContain('channels.app.kind');
  });
});
