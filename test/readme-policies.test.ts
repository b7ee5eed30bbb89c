// The README's Policies examples, as printed: each block runs under a small prelude that defines
// what it leaves to the reader (`api`, `input`, the handlers) and checks what the text claims.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { root } from './helpers/packed.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = readme.slice(
  readme.indexOf('### Policies'),
  readme.indexOf('\n### ', readme.indexOf('### Policies') + 4),
);
const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const src = (path: string) => JSON.stringify(pathToFileURL(join(root, 'src', path)).href);
const tsx = join(root, 'node_modules/.bin/tsx');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'secours-policies-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, [file], { cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const imports = `import { createRouter } from ${src('index.ts')};\nimport { laPoste } from ${src('presets/la-poste.ts')};\n`;
const preludes = [
  // Retry: the app fails once, then answers.
  `let n = 0;\nconst api = { balance: async (_i: unknown, _o: unknown) => { if (n++ === 0) throw new Error('503'); return 42; } };\n`,
  // Deadline: a transfer that hangs (until its signal aborts).
  `const router = createRouter({ catalog: laPoste, handlers: { transfer: { app: (_i, ctx) => new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))) } } });\nconst input = {};\nconst idempotencyKey = 'k-1';\n`,
  // Hedging: the app hangs, the website answers.
  `const readFromApp = (_i: unknown, ctx: { signal: AbortSignal }) => new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));\nconst readFromWeb = async () => 42;\n`,
];
const checks = [
  `const outcome = await router.execute('balance', {});\nif (outcome.kind !== 'served' || outcome.attempts.length !== 2) throw new Error(JSON.stringify(outcome.attempts));\nrouter.dispose();\n`,
  `if (outcome.kind !== 'uncertain') throw new Error(outcome.kind);\nrouter.dispose();\n`,
  `const outcome = await router.execute('balance', {});\nif (outcome.kind !== 'served' || outcome.channel !== 'web') throw new Error(outcome.kind);\nrouter.dispose();\n`,
];

it('the Policies section has a retry, a deadline and a hedging example, and each runs as the text says', async () => {
  expect(blocks).toHaveLength(3);
  for (const [i, block] of blocks.entries()) {
    const file = join(dir, `policies-${i}.mts`);
    // The deadline example waits its 8 s for real: shortened here, the rest as printed.
    const body = i === 1 ? block.replace('timeoutMs: 8_000', 'timeoutMs: 50') : block;
    writeFileSync(file, `${imports}${preludes[i]}${body}${checks[i]}`);
    const result = await run(file);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }
}, 120_000);
