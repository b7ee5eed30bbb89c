// `secours/testing` and the bin as users get them: the packed package, loaded by Node from a
// project that installed it, through `require` and `import`.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Installed, installPacked } from './helpers/packed.js';

const run = promisify(execFile);

// A router from `secours`, handlers wrapped by a chaos controller from `secours/testing`: the
// error the chaos controller throws must be the core's own class (one shared build, not a copy).
const BODY = `
const catalog = defineCatalog({
  channels: { app: { kind: 'digital', label: 'App' }, web: { kind: 'digital', label: 'Web' } },
  operations: { transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'web' }] } },
});
const chaos = createChaos(catalog, { seed: 1 });
let thrown;
const router = createRouter({ catalog, handlers: chaos.wrap({ transfer: { app: async () => 'app', web: async () => 'web' } }) });
router.on('attempt', (e) => { if (e.attempt.error) thrown = e.attempt.error; });
chaos.down('app');
const outcome = await router.execute('transfer', {});
router.dispose();
const report = await runScenario(scenarios['laposte-fr-2024-02-06']);
process.stdout.write(JSON.stringify({
  kind: outcome.kind, channel: outcome.channel,
  sameErrorClass: thrown instanceof NotExecutedError,
  requests: report.all.requests,
  names: Object.keys(scenarios),
}));
`;
const ESM = `
import { createRouter, defineCatalog, NotExecutedError } from 'secours';
import { createChaos, runScenario, scenarios } from 'secours/testing';
${BODY}`;
const CJS = `
const { createRouter, defineCatalog, NotExecutedError } = require('secours');
const { createChaos, runScenario, scenarios } = require('secours/testing');
(async () => {${BODY}})();
`;

let consumer: Installed;
beforeAll(() => {
  consumer = installPacked();
  writeFileSync(join(consumer.dir, 'testing.mjs'), ESM);
  writeFileSync(join(consumer.dir, 'testing.cjs'), CJS);
});
afterAll(() => consumer?.dispose());

describe.each(['testing.mjs', 'testing.cjs'])('secours/testing from %s', (file) => {
  it('wraps handlers of a core router and replays a named incident', async () => {
    const { stdout } = await run(process.execPath, [file], { cwd: consumer.dir, timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({
      kind: 'served',
      channel: 'web',
      sameErrorClass: true,
      requests: expect.any(Number),
      names: ['counters-2018-04-09', 'transfers-2022-09-15', 'ddos-2025-12', 'laposte-fr-2024-02-06', 'low-traffic'],
    });
  });
});

it('the installed bin writes the HTML report of 9 April 2018', async () => {
  const bin = join(consumer.dir, 'node_modules/secours/dist/cli.js');
  await run(process.execPath, [bin, 'simulate', 'counters-2018-04-09', '--format', 'html', '--out', 'report.html'], {
    cwd: consumer.dir,
    timeout: 60_000,
  });
  const html = readFileSync(join(consumer.dir, 'report.html'), 'utf8');
  expect(html).toMatch(/^<!doctype html>/);
  expect(html).toContain('<svg ');
});
