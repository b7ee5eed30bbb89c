// What the docs of secours/otel say, checked: the README's example runs, its metric table names
// the metrics the SDK collects, and the trace of one failover call as the in-memory exporter saw
// it (scripts/otel-trace-example.ts prints it): the caller's span, the execute span under it,
// one attempt span per route tried, and under each the span its handler's HTTP client made.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { failoverTrace } from '../scripts/otel-trace-example.js';
import { instrument } from '../src/otel/index.js';
import { laPoste } from '../src/presets/la-poste.js';
import { createRouter } from '../src/router.js';
import { otelSdk } from './helpers/otel.js';
import { root } from './helpers/packed.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## OpenTelemetry'), readme.indexOf('## How it works'));
const src = (path: string) => JSON.stringify(pathToFileURL(join(root, 'src', path)).href);

describe('the README on secours/otel', () => {
  it('runs its example as printed', async () => {
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(block).toContain("from 'secours/otel'");
    const code = block
      .replace("'secours/otel'", src('otel/index.ts'))
      .replace("'secours/presets/la-poste'", src('presets/la-poste.ts'))
      .replace("'secours'", src('index.ts'));
    const dir = mkdtempSync(join(tmpdir(), 'secours-otel-readme-'));
    try {
      writeFileSync(join(dir, 'example.mts'), code);
      const { stdout, stderr } = await promisify(execFile)(join(root, 'node_modules/.bin/tsx'), ['example.mts'], {
        cwd: dir,
        timeout: 60_000,
      });
      expect({ stdout, stderr }).toEqual({ stdout: '', stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names in its table the metrics the SDK collects', async () => {
    const table = [...section.matchAll(/^\| `(secours\.[a-z.]+)`\s+\|/gm)].map((m) => m[1]);
    const sdk = otelSdk();
    const router = createRouter({ catalog: laPoste, handlers: { balance: { app: async () => 1 } } });
    try {
      instrument(router, { meterProvider: sdk.meterProvider, traces: false });
      await router.execute('balance', {});
      await router.execute('stamp-purchase', {});
      expect((await sdk.names()).sort()).toEqual([...table].sort());
    } finally {
      router.dispose();
      await sdk.shutdown();
    }
  });
});

const EXPECTED = `
POST /api/balance  [UNSET]
  secours.execute balance  [UNSET]
      secours.operation = "balance"
      secours.outcome = "served"
      secours.channel = "web"
      secours.degraded = true
    secours.attempt app  [ERROR "not-executed"]
        secours.operation = "balance"
        secours.channel = "app"
        secours.attempt = 1
        secours.result = "not-executed"
        event exception ERR_SECOURS_NOT_EXECUTED: connect ECONNREFUSED 10.0.0.7:443
      GET https://app-api.internal/balance  [UNSET]
    secours.attempt app  [ERROR "not-executed"]
        secours.operation = "balance"
        secours.channel = "app"
        secours.attempt = 2
        secours.result = "not-executed"
        secours.retry = 1
        event exception ERR_SECOURS_NOT_EXECUTED: connect ECONNREFUSED 10.0.0.7:443
      GET https://app-api.internal/balance  [UNSET]
    secours.attempt web  [UNSET]
        secours.operation = "balance"
        secours.channel = "web"
        secours.attempt = 3
        secours.result = "success"
      GET https://web-api.internal/balance  [UNSET]
`.trim();

describe('the trace of one failover + retry call', () => {
  it('reads as the example script prints it', async () => {
    expect(await failoverTrace()).toBe(EXPECTED);
  });
});
