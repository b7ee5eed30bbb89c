// The browser-safe entry points, bundled the way a frontend build bundles them: the packed
// package, resolved through its `exports` map with the `browser` condition, zod included. Guards
// against Node built-ins creeping in and against size growth, and runs the core in a realm that
// has only what a browser page has.

import { webcrypto } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Installed, installPacked, root } from './helpers/packed.js';

const CORE = `export { createRouter, defineCatalog } from 'secours';\n`;
const PRESET = `export { laPoste } from 'secours/presets/la-poste';\n`;
// What a page following the status feed ships: the client, and the core fed by it.
const HTTP_BROWSER = `export { createStatusClient, connectStatus } from 'secours/http';\n`;
const ENTRIES = { core: CORE, preset: PRESET, 'core+preset': CORE + PRESET, 'core+http': CORE + HTTP_BROWSER };
type EntryName = keyof typeof ENTRIES;
const NAMES = Object.keys(ENTRIES) as EntryName[];

/**
 * The core stays under 40 KiB gzipped, whatever the budget file says. The first round aimed at
 * 30 KiB; hardening every input (call contexts read field by field, size and depth bounds, URL
 * schemes as a browser reads them, one opening-hours function), breakers that cost nothing
 * until they fail (0.5 KB of heap each instead of 8.4 KB) and health truth (probes, slow calls,
 * the status timer: +2.3 KB) took it to 34.7 KB. The third round added what a page's calls need
 * as much as a server's: any BCP 47 locale with per-sentence fallback (+1.0 KB; the catalogues
 * beyond fr and en stay behind `secours/i18n/*`), the call deadline, safe retries and hedging
 * (+2.3 KB), the bulkhead (+0.5 KB) and the telemetry hook (+0.2 KB), and won 0.5 KB back from
 * zod (`z.iso`, `z.int` pulled whole format tables): 39.1 KB. zod/mini is 8 KB of it, opossum
 * 3.7 KB. Probes (0.9 KB) and slow calls serve servers, not pages: moving them out of the
 * browser core is the next way down.
 */
const CORE_CEILING = 40 * 1024;

/** Packages a browser bundle may contain. Anything else is a new dependency shipped to every page. */
const ALLOWED_PACKAGES = ['secours', 'zod'];

const BUDGET_FILE = join(root, 'test/bundle-budget.json');
const budget: Record<EntryName, { gzipBytes: number; toleranceBytes: number }> = JSON.parse(
  readFileSync(BUDGET_FILE, 'utf8'),
);

// Some of these also exist as npm polyfills (events, buffer, process, util); none belongs in the core.
const NODE_ONLY = new Set([
  ...builtinModules,
  'events',
  'fs',
  'path',
  'util',
  'crypto',
  'stream',
  'buffer',
  'process',
  'timers',
]);
const isNodeOnly = (specifier: string) =>
  specifier.startsWith('node:') || NODE_ONLY.has(specifier) || NODE_ONLY.has(specifier.split('/')[0] as string);

/** Text a minified bundle holds only when a Node module got through, whatever the resolver saw. */
const FORBIDDEN_TEXT = [
  /["'`]node:[\w/]+["'`]/,
  /\brequire\(\s*["'`]events["'`]\s*\)/,
  /\bfrom\s*["'`]events["'`]/,
  /\bimport\(\s*["'`]events["'`]\s*\)/,
  // esbuild's shim for a `require` it could not bundle.
  /Dynamic require of/,
];

interface Import {
  readonly specifier: string;
  readonly importer: string;
}

/** Records every import of a Node module and keeps it external, so one build reports them all. */
function nodeOnlyGuard(found: Import[]): Plugin {
  return {
    name: 'node-only-guard',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!isNodeOnly(args.path)) return undefined;
        found.push({ specifier: args.path, importer: args.importer });
        return { path: args.path, external: true };
      });
    },
  };
}

/** `zod` for `../../work/main/node_modules/zod/v4/mini/schemas.js`; undefined for the app's own files. */
function packageOf(input: string): string | undefined {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const name = parts[at + 1] as string;
  return name.startsWith('@') ? `${name}/${parts[at + 2]}` : name;
}

interface Bundle {
  readonly code: string;
  /** Every file esbuild read, relative to the consumer project. */
  readonly inputs: readonly string[];
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly nodeOnly: readonly Import[];
  readonly packages: readonly string[];
}

async function bundle(dir: string, file: string, source: string, format: 'esm' | 'iife'): Promise<Bundle> {
  const entry = join(dir, file);
  writeFileSync(entry, source);
  const nodeOnly: Import[] = [];
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: dir,
    bundle: true,
    minify: true,
    platform: 'browser',
    format,
    ...(format === 'iife' ? { globalName: 'secours' } : {}),
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [nodeOnlyGuard(nodeOnly)],
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild wrote nothing for ${file}`);
  const inputs = Object.keys(result.metafile.inputs);
  const packages = new Set<string>();
  for (const input of inputs) {
    const pkg = packageOf(input);
    if (pkg) packages.add(pkg);
  }
  return {
    code: output.text,
    inputs,
    bytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents, { level: 9 }).byteLength,
    nodeOnly,
    packages: [...packages].sort(),
  };
}

let consumer: Installed;
const bundles = new Map<EntryName, Bundle>();
let iife: Bundle;
let required: Bundle;

beforeAll(async () => {
  consumer = installPacked();
  for (const name of NAMES) bundles.set(name, await bundle(consumer.dir, `${name}.js`, ENTRIES[name], 'esm'));
  iife = await bundle(consumer.dir, 'core.iife.js', CORE, 'iife');
  required = await bundle(
    consumer.dir,
    'required.cjs',
    `module.exports = [require('secours').createRouter, require('secours/presets/la-poste').laPoste];\n`,
    'iife',
  );
});

afterAll(() => consumer?.dispose());

describe.each(NAMES)('the browser bundle of %s', (name) => {
  const get = () => bundles.get(name) as Bundle;

  it('imports no Node module', () => {
    const found = get().nodeOnly.map((i) => `${i.specifier} ← ${i.importer}`);
    expect(found, 'Node-only imports (the browser build must not need them)').toEqual([]);
  });

  it('is made from the browser build', () => {
    const own = get().inputs.filter((i) => packageOf(i) === 'secours');
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((i) => !i.includes('node_modules/secours/dist/browser/'))).toEqual([]);
  });

  it('contains only secours and zod', () => {
    const extra = get().packages.filter((p) => !ALLOWED_PACKAGES.includes(p));
    expect(extra, 'packages bundled for browsers besides secours and zod').toEqual([]);
    expect(get().packages).toContain('secours');
  });

  it('holds no trace of a Node import', () => {
    const { code } = get();
    for (const pattern of FORBIDDEN_TEXT) {
      const match = pattern.exec(code);
      const around = match ? code.slice(Math.max(0, match.index - 80), match.index + 80) : '';
      expect(match, `${pattern} in the bundle: …${around}…`).toBeNull();
    }
  });

  it('stays within its size budget', () => {
    const { bytes, gzipBytes } = get();
    const { gzipBytes: allowed, toleranceBytes } = budget[name];
    // The sizes are reported on every run, so growth is seen before it reaches the budget.
    console.log(
      `bundle ${name}: ${bytes} B minified, ${gzipBytes} B gzipped (${(gzipBytes / 1024).toFixed(1)} KiB); budget ${allowed} B + ${toleranceBytes} B`,
    );
    const next256 = Math.ceil(gzipBytes / 256) * 256;
    if (next256 < allowed)
      console.log(`  ${name} shrank: its budget in test/bundle-budget.json can come down to ${next256}`);
    expect(
      gzipBytes,
      `${name} grew past its budget. If the growth is worth it, set "${name}".gzipBytes to ${next256} in test/bundle-budget.json`,
    ).toBeLessThanOrEqual(allowed + toleranceBytes);
  });
});

it('gives require() in a browser bundle the browser build too', () => {
  expect(required.nodeOnly).toEqual([]);
  const own = required.inputs.filter((i) => packageOf(i) === 'secours');
  expect(own.filter((i) => !i.includes('node_modules/secours/dist/browser/'))).toEqual([]);
});

it('keeps the core under 40 KiB gzipped', () => {
  expect(bundles.get('core')?.gzipBytes).toBeLessThanOrEqual(CORE_CEILING);
});

/**
 * A realm with a browser page's timers and nothing of Node. Timer ids are numbers, as in a
 * browser (Node's Timeout objects have `unref`, which opossum would call), and the timers still
 * pending are tracked so a leak after `dispose()` shows.
 */
function browserRealm() {
  const pending = new Set<number>();
  const host = globalThis;
  const globals = {
    setTimeout(callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): number {
      const id = Number(
        host.setTimeout(() => {
          pending.delete(id);
          callback(...args);
        }, ms),
      );
      pending.add(id);
      return id;
    },
    clearTimeout(id?: number) {
      if (id === undefined) return;
      pending.delete(id);
      host.clearTimeout(id);
    },
    setInterval(callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): number {
      const id = Number(host.setInterval(callback, ms, ...args));
      pending.add(id);
      return id;
    },
    clearInterval(id?: number) {
      if (id === undefined) return;
      pending.delete(id);
      host.clearInterval(id);
    },
    queueMicrotask,
    AbortController,
    AbortSignal,
    // What a page served over plain http has: getRandomValues, no randomUUID.
    crypto: { getRandomValues: webcrypto.getRandomValues.bind(webcrypto) },
  };
  const context = vm.createContext(globals);
  // V8 gives every realm a console; library code must not rely on one (it emits `warning`).
  vm.runInContext('delete globalThis.console', context);
  return { context, pending };
}

const SCENARIO = `(async () => {
  const { createRouter, defineCatalog } = globalThis.secours;
  const catalog = defineCatalog({
    channels: {
      app: { kind: 'digital', label: { fr: "l'appli", en: 'the app' } },
      web: { kind: 'digital', label: { fr: 'le site', en: 'the website' } },
      phone: { kind: 'phone', label: { fr: 'le 3639', en: '3639' }, contact: { phone: '3639' } },
    },
    operations: {
      balance: {
        label: { fr: 'Consulter son solde', en: 'Checking your balance' },
        idempotent: true,
        routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }],
      },
    },
  });
  const router = createRouter({
    catalog,
    handlers: {
      balance: {
        app: async () => { throw new Error('app backend down'); },
        web: async (input, ctx) => ({ account: input.account, balance: 42, key: typeof ctx.idempotencyKey }),
      },
    },
    breaker: { volumeThreshold: 1, errorThresholdPercentage: 1, timeout: 1000 },
  });
  const breakers = [];
  router.on('breaker', (e) => breakers.push(e.channel + ':' + e.state));
  const call = () => router.execute('balance', { account: 'A1' }, { locale: 'en' });
  const first = await call();
  const second = await call();
  router.declareOutage({ channels: ['web'], reason: { fr: 'Le site est en panne.', en: 'The website is down.' } });
  const third = await call();
  router.dispose();
  const trail = (o) => o.attempts.map((a) => a.channel + ':' + a.result);
  return JSON.stringify({
    first: { kind: first.kind, channel: first.channel, value: first.value, degraded: first.degraded, trail: trail(first) },
    second: { kind: second.kind, channel: second.channel, trail: trail(second) },
    third: { kind: third.kind, reason: third.reason, alternatives: third.alternatives.map((a) => a.channel) },
    breakers,
  });
})()`;

it('serves, fails over and refers in a realm with no Node globals', async () => {
  const { context, pending } = browserRealm();
  const nodeGlobals = vm.runInContext(
    `['process', 'require', 'module', 'Buffer', 'global', 'setImmediate', 'console'].filter((n) => typeof globalThis[n] !== 'undefined')`,
    context,
  );
  expect([...nodeGlobals], 'the realm must not have them').toEqual([]);

  vm.runInContext(iife.code, context, { filename: 'secours.iife.js' });
  const result = JSON.parse(await vm.runInContext(SCENARIO, context, { filename: 'scenario.js' }));

  expect(result.first).toEqual({
    kind: 'served',
    channel: 'web',
    value: { account: 'A1', balance: 42, key: 'string' },
    degraded: true,
    trail: ['app:failure', 'web:success'],
  });
  // opossum's `open` event, through eventemitter3 standing in for Node's `events`.
  expect(result.breakers).toContain('app:open');
  expect(result.second).toEqual({ kind: 'served', channel: 'web', trail: ['app:skipped', 'web:success'] });
  expect(result.third.kind).toBe('referred');
  expect(result.third.alternatives).toEqual(['phone']);
  expect(result.third.reason).toMatch(/\S/);
  expect([...pending], 'timers still pending after dispose()').toEqual([]);
});
