// `secours/otel` in a browser: bundled from the packed package with the `browser` condition (as
// Vite or esbuild bundle it for a page) together with the OpenTelemetry SDK's browser build,
// then run in a realm that has a page's globals and nothing of Node: a failover call gives its
// execute span and one attempt span per route tried.
import { webcrypto } from 'node:crypto';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Installed, installPacked, root } from './helpers/packed.js';

const PAGE = `
import { createRouter, defineCatalog, NotExecutedError } from 'secours';
import { instrument } from 'secours/otel';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

globalThis.run = async () => {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const catalog = defineCatalog({
    channels: { app: { kind: 'digital', label: 'App' }, web: { kind: 'digital', label: 'Web' } },
    operations: { balance: { label: 'Balance', idempotent: true, routes: [{ channel: 'app' }, { channel: 'web' }] } },
  });
  const router = createRouter({
    catalog,
    handlers: { balance: { app: async () => { throw new NotExecutedError('offline'); }, web: async () => 42 } },
  });
  const stop = instrument(router, { tracerProvider, metrics: false });
  const outcome = await router.execute('balance', {});
  stop();
  router.dispose();
  const spans = exporter.getFinishedSpans();
  const ids = new Map(spans.map((s) => [s.spanContext().spanId, s.name]));
  return JSON.stringify({
    outcome: { kind: outcome.kind, channel: outcome.channel, value: outcome.value },
    spans: spans.map((s) => [s.name, ids.get(s.parentSpanContext?.spanId) ?? null, s.status.code]),
  });
};
`;

let consumer: Installed;
let code: string;
let inputs: string[];
const nodeOnly: string[] = [];

beforeAll(async () => {
  consumer = installPacked();
  const result = await build({
    stdin: { contents: PAGE, resolveDir: consumer.dir, loader: 'js' },
    absWorkingDir: consumer.dir,
    // The SDK is the page's own dependency: found in the repository's node_modules.
    nodePaths: [join(root, 'node_modules')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'node-only-guard',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            const bare = args.path.replace(/^node:/, '').split('/')[0] as string;
            if (!args.path.startsWith('node:') && !builtinModules.includes(bare)) return undefined;
            nodeOnly.push(`${args.path} ← ${args.importer}`);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  code = result.outputFiles[0]?.text ?? '';
  inputs = Object.keys(result.metafile.inputs);
});

afterAll(() => consumer?.dispose());

describe('secours/otel in a browser', () => {
  it('is bundled from the browser build, with no Node module', () => {
    expect(nodeOnly).toEqual([]);
    expect(inputs.filter((i) => i.includes('node_modules/secours/dist/browser/otel.js'))).toHaveLength(1);
    expect(inputs.filter((i) => i.includes('node_modules/secours/') && !i.includes('/dist/browser/'))).toEqual([]);
  });

  it('records the spans of a failover call in a realm with no Node globals', async () => {
    const context = vm.createContext({
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
      queueMicrotask,
      AbortController,
      AbortSignal,
      performance,
      crypto: { getRandomValues: webcrypto.getRandomValues.bind(webcrypto) },
    });
    vm.runInContext('delete globalThis.console', context);
    const missing = vm.runInContext(
      `['process', 'require', 'module', 'Buffer', 'setImmediate'].filter((n) => typeof globalThis[n] !== 'undefined')`,
      context,
    );
    expect([...missing]).toEqual([]);
    vm.runInContext(code, context, { filename: 'page.js' });
    const result = JSON.parse(await vm.runInContext('run()', context));
    expect(result.outcome).toEqual({ kind: 'served', channel: 'web', value: 42 });
    // [name, parent's name, status code]: ERROR is 2.
    expect(result.spans).toEqual([
      ['secours.attempt app', 'secours.execute balance', 2],
      ['secours.attempt web', 'secours.execute balance', 0],
      ['secours.execute balance', null, 0],
    ]);
  });
});
