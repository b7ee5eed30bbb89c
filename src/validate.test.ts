// Hostile shapes: deep nesting and huge invalid inputs give a ConfigError with a path, in
// bounded time, at every entry point that parses.
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { configError } from '../test/helpers/config-error.js';
import { type CatalogInput, defineCatalog, parseCatalog } from './catalog.js';
import { MAX_DEPTH, MAX_NODES } from './depth-guard.js';
import { laPoste } from './presets/la-poste.js';
import { createRouter } from './router.js';
import { parseScenario } from './testing/scenario.js';
import { capIssues, fromJsonText, issueCount, MAX_ISSUES, parseWith, unsafeObjects } from './validate.js';

/** `{ a: { a: … 'x' } }`, `levels` deep, built without recursion. */
function nested(levels: number, leaf: unknown = 'x'): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}
const nestedJson = (levels: number) => `${'{"a":'.repeat(levels)}"x"${'}'.repeat(levels)}`;

const DEEP = 5_000;
const deepPath = /^channels\.app\.label\.a\.a\.a\.a\.a…$/;
const deepIssue = { path: expect.stringMatching(deepPath), message: `nested more than ${MAX_DEPTH} levels deep` };

const app = (label: unknown) => ({ channels: { app: { kind: 'digital', label } }, operations: {} });

/** 100,000 invalid channels: twice as many values as the bound allows. */
function hugeCatalog(count: number) {
  const channels: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) channels[`c${i}`] = { kind: 'fax', label: 'x' };
  return { channels, operations: {} };
}

describe('deep nesting', () => {
  it('gives a ConfigError at the deepest point shown, not a RangeError, in parseCatalog', () => {
    expect(configError(() => parseCatalog(app(nested(DEEP)))).issues).toEqual([deepIssue]);
    expect(
      configError(() =>
        parseCatalog(`{"channels":{"app":{"kind":"digital","label":${nestedJson(DEEP)}}},"operations":{}}`),
      ).issues,
    ).toEqual([deepIssue]);
  });

  it('in defineCatalog', () => {
    expect(configError(() => defineCatalog(app(nested(DEEP)) as unknown as CatalogInput)).issues).toEqual([deepIssue]);
  });

  it('in fromJsonText, for JSON text or a value', () => {
    const error = configError(() => fromJsonText(`{"x":${nestedJson(DEEP)}}`, 'thing'));
    expect(error.message).toMatch(/^Invalid thing \(1 problem\):\n {2}✖ nested more than 64 levels deep → at x\.a\.a/);
    expect(configError(() => fromJsonText([nested(DEEP)], 'thing')).issues[0]?.path).toMatch(/^\[0\]\.a\.a/);
    expect(fromJsonText(nestedJson(MAX_DEPTH - 1), 'thing')).toEqual(nested(MAX_DEPTH - 1));
  });

  it('in parseWith, with its prefix, so every schema is guarded', () => {
    const parsed = parseWith(z.object({ a: z.unknown() }), nested(DEEP), ['body']);
    expect(parsed).toEqual({
      data: undefined,
      issues: [{ path: expect.stringMatching(/^body\.a\.a/), message: 'nested more than 64 levels deep' }],
    });
    expect(parseWith(z.unknown(), nested(MAX_DEPTH)).issues).toEqual([]);
  });

  it('in unsafeObjects, which walks without recursion and leaves the bound to parseWith', () => {
    const value = nested(200_000, { __proto__: null, x: 1 });
    expect(unsafeObjects(value)).toEqual([]);
    expect(unsafeObjects({ a: nested(10, JSON.parse('{"__proto__":1}')) })).toEqual([
      { path: 'a.a.a.a.a.a.a.a.a.a.a.__proto__', message: 'a `__proto__` key is not allowed' },
    ]);
  });

  it('in declareOutage', () => {
    const router = createRouter({ catalog: laPoste });
    try {
      const error = configError(() => router.declareOutage({ channels: ['app'], reason: nested(DEEP) } as never));
      expect(error.issues).toContainEqual({
        path: expect.stringMatching(/^reason\.a\.a/),
        message: expect.stringMatching(/nested/),
      });
    } finally {
      router.dispose();
    }
  });

  it('in parseScenario', () => {
    const error = configError(() => parseScenario(`{"name":"x","catalog":${nestedJson(DEEP)}}`));
    expect(error.issues).toEqual([
      { path: expect.stringMatching(/^catalog\.a\.a/), message: expect.stringMatching(/nested/) },
    ]);
  });

  it('stops at a value that refers to itself', () => {
    const label: Record<string, unknown> = {};
    label.fr = label;
    expect(configError(() => defineCatalog(app(label) as unknown as CatalogInput)).issues).toEqual([
      { path: 'channels.app.label.fr.fr.fr.fr.fr…', message: `nested more than ${MAX_DEPTH} levels deep` },
    ]);
  });
});

describe('huge invalid inputs', () => {
  it('refuses more values than the bound before parsing them', () => {
    const error = configError(() => parseCatalog(hugeCatalog(100_000)));
    expect(error.issues).toEqual([{ path: 'channels', message: `too large: more than ${MAX_NODES} values` }]);
    expect(configError(() => parseCatalog(JSON.stringify(hugeCatalog(100_000)))).issues).toHaveLength(1);
    // A huge array is refused from its length, before its items are looked at.
    expect(configError(() => fromJsonText({ list: new Array(10_000_000) }, 'thing')).issues[0]?.message).toMatch(
      /too large/,
    );
  });

  it('lists the first problems and counts the rest, within the bound', () => {
    const count = Math.floor(MAX_NODES / 6);
    const error = configError(() => parseCatalog(hugeCatalog(count)));
    expect(error.issues).toHaveLength(MAX_ISSUES + 1);
    expect(error.issues[0]).toEqual({
      path: 'channels.c0.kind',
      message: 'expected one of: digital, self-service, phone, in-person',
    });
    expect(error.issues[MAX_ISSUES]).toEqual({
      path: '',
      message: `… and ${count - MAX_ISSUES} more problems`,
    });
    expect(error.message.length).toBeLessThan(5_000);
  });

  it('does not copy the list of known channels into every problem', () => {
    const catalog = hugeCatalog(5_000) as { channels: Record<string, unknown>; operations: Record<string, unknown> };
    for (const c of Object.keys(catalog.channels)) catalog.channels[c] = { kind: 'phone', label: 'x' };
    const routes = Array.from({ length: 5_000 }, (_, i) => ({ channel: `nope${i}` }));
    catalog.operations = { transfer: { label: 'T', routes } };
    const error = configError(() => parseCatalog(catalog));
    expect(error.issues).toHaveLength(MAX_ISSUES + 1);
    expect(error.issues[0]?.message).toBe(
      `unknown channel \`nope0\`; known channels: ${Array.from({ length: 20 }, (_, i) => `c${i}`).join(', ')}, … and 4980 more`,
    );
  });

  it('counts the problems of lists capped and joined', () => {
    const issues = (n: number, p: string) =>
      Array.from({ length: n }, (_, i) => ({ path: `${p}${i}`, message: 'bad' }));
    const joined = capIssues([...capIssues(issues(30, 'a')), ...issues(5, 'b')]);
    expect(joined).toHaveLength(MAX_ISSUES + 1);
    expect(joined.at(-1)?.message).toBe('… and 15 more problems');
    expect(issueCount(joined)).toBe(35);
    expect(capIssues(issues(3, 'a'))).toEqual(issues(3, 'a'));
  });
});
