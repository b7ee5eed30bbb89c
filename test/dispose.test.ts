import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// Not a timing assertion: the router's timeout is ten minutes, so if dispose() left anything
// behind the child would outlive this test's own timeout and the test would fail.
it('a process that disposes its router exits by itself, its hanging call settled as an outcome', async () => {
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const script = fileURLToPath(new URL('./fixtures/dispose-hanging.ts', import.meta.url));
  const child = spawn(tsx, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(err).toBe('');
  expect(code).toBe(0);
  expect(JSON.parse(out)).toMatchObject({ kind: 'uncertain', channel: 'app', reference: 'ref-1' });
});
