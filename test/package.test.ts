// The packed package, loaded by Node as users load it: `require` and `import` from a project that
// installed it, in child processes, so neither vitest's resolver nor the repository's files help.

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Installed, installPacked } from './helpers/packed.js';

const run = promisify(execFile);

// Each consumer prints what it found as JSON, after a call through the router: the build's
// interop with opossum and eventemitter3 (default export, CJS from ESM) shows only when it runs.
const CJS = `
const { createRouter, defineCatalog } = require('secours');
const { laPoste } = require('secours/presets/la-poste');
report({
  createRouter: typeof createRouter,
  defineCatalog: typeof defineCatalog,
  laPoste: Object.keys(laPoste.operations).length,
  core: require.resolve('secours'),
  preset: require.resolve('secours/presets/la-poste'),
  manifest: require('secours/package.json').name,
}, createRouter, laPoste);
`;

const ESM = `
import { createRequire } from 'node:module';
const { createRouter, defineCatalog } = await import('secours');
const { laPoste } = await import('secours/presets/la-poste');
report({
  createRouter: typeof createRouter,
  defineCatalog: typeof defineCatalog,
  laPoste: Object.keys(laPoste.operations).length,
  core: import.meta.resolve('secours'),
  preset: import.meta.resolve('secours/presets/la-poste'),
  manifest: createRequire(import.meta.url)('secours/package.json').name,
}, createRouter, laPoste);
`;

const REPORT = `
async function report(found, createRouter, laPoste) {
  const router = createRouter({ catalog: laPoste, handlers: { balance: { app: async () => ({ balance: 42 }) } } });
  const outcome = await router.execute('balance', {}, { locale: 'en' });
  router.dispose();
  process.stdout.write(JSON.stringify({ ...found, outcome: { kind: outcome.kind, channel: outcome.channel, value: outcome.value } }));
}
`;

let consumer: Installed;

beforeAll(() => {
  consumer = installPacked();
  // The function declaration is hoisted in both module systems, so REPORT can come last.
  writeFileSync(join(consumer.dir, 'consumer.cjs'), CJS + REPORT);
  writeFileSync(join(consumer.dir, 'consumer.mjs'), ESM + REPORT);
});

afterAll(() => consumer?.dispose());

const loads = new Map<string, Promise<Record<string, unknown>>>();

/** Runs a consumer once; a process that does not exit by itself after dispose() times out. */
function load(file: string): Promise<Record<string, unknown>> {
  let loaded = loads.get(file);
  if (!loaded) {
    loaded = run(process.execPath, [file], { cwd: consumer.dir, timeout: 15_000 }).then(({ stdout }) =>
      JSON.parse(stdout),
    );
    loads.set(file, loaded);
  }
  return loaded;
}

describe.each([
  { system: 'CommonJS (require)', file: 'consumer.cjs', core: /\/node_modules\/secours\/dist\/index\.cjs$/ },
  { system: 'ES modules (import)', file: 'consumer.mjs', core: /\/node_modules\/secours\/dist\/index\.js$/ },
])('$system', ({ file, core }) => {
  it('loads the core, the preset and package.json from the installed package', async () => {
    const found = await load(file);
    expect(found).toMatchObject({ createRouter: 'function', defineCatalog: 'function', manifest: 'secours' });
    expect(found.laPoste, 'operations in the preset').toBeGreaterThan(0);
    // The Node build, never the browser one, and the installed copy, never the repository.
    expect(found.core).toMatch(core);
    expect(found.preset).toMatch(/\/node_modules\/secours\/dist\/presets\/la-poste\.c?js$/);
  });

  it('runs an operation through the router', async () => {
    const { outcome } = await load(file);
    expect(outcome).toEqual({ kind: 'served', channel: 'app', value: { balance: 42 } });
  });
});
