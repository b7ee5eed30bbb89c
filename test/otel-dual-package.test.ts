// secours/otel as users load it when both builds are in one process: a router from
// `require('secours')` (CJS) instrumented through `import('secours/otel')` (ESM), next to the CJS
// `secours/otel` that another part of the program requires. One router, one instrumentation,
// whichever copy asks: a second copy is refused, not let in to replace the first's hooks.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Installed, installPacked, root } from './helpers/packed.js';

const run = promisify(execFile);

// The SDK from the repository (a dev dependency, not shipped): it resolves the same
// @opentelemetry/api the installed package's peer link points to.
const CONSUMER = (sdk: string) => `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { createRouter, defineCatalog } = require('secours');
const cjsOtel = require('secours/otel');
const esmOtel = await import('secours/otel');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import(${JSON.stringify(sdk)});
const provider = () => {
  const exporter = new InMemorySpanExporter();
  return { exporter, tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }) };
};
const catalog = defineCatalog({
  channels: { app: { kind: 'digital', label: 'App' } },
  operations: { balance: { label: 'Balance', idempotent: true, routes: [{ channel: 'app' }] } },
});
const router = createRouter({ catalog, handlers: { balance: { app: () => 42 } } });
const first = provider();
const second = provider();
const stopFirst = esmOtel.instrument(router, { metrics: false, tracerProvider: first.tracerProvider });
let secondRefused = null;
try {
  cjsOtel.instrument(router, { metrics: false, tracerProvider: second.tracerProvider });
} catch (error) {
  secondRefused = error.name;
}
await router.execute('balance', {});
const before = [first.exporter.getFinishedSpans().length, second.exporter.getFinishedSpans().length];
stopFirst();
// Stopped by the copy that started it: now the other copy may instrument it.
const stopSecond = cjsOtel.instrument(router, { metrics: false, tracerProvider: second.tracerProvider });
await router.execute('balance', {});
const after = [first.exporter.getFinishedSpans().length, second.exporter.getFinishedSpans().length];
stopSecond();
router.dispose();
process.stdout.write(JSON.stringify({ secondRefused, before, after }));
`;

let consumer: Installed;

beforeAll(() => {
  consumer = installPacked();
  const sdk = pathToFileURL(createRequire(join(root, 'package.json')).resolve('@opentelemetry/sdk-trace-base')).href;
  writeFileSync(join(consumer.dir, 'dual.mjs'), CONSUMER(sdk));
});

afterAll(() => consumer?.dispose());

it('a router instrumented by the ESM secours/otel is refused by the CJS one, until the first stops', async () => {
  const { stdout } = await run(process.execPath, ['dual.mjs'], { cwd: consumer.dir, timeout: 15_000 });
  expect(JSON.parse(stdout)).toEqual({
    secondRefused: 'ConfigError',
    // The first copy's spans (an execute and an attempt), none from the refused one.
    before: [2, 0],
    after: [2, 2],
  });
});
