// `secours validate` on scenario files as well as catalogues: the built bin, in a child process.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarios } from '../src/testing/scenarios/index.js';
import { manifest, root } from './helpers/packed.js';

const bin = join(root, (manifest as unknown as { bin: Record<string, string> }).bin.secours ?? 'missing-bin');
let dir: string;

function secours(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'secours-cli-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, value: unknown) => writeFileSync(join(dir, name), JSON.stringify(value));

describe('secours validate, given a scenario', () => {
  it('accepts a shipped scenario file, told by its $schema', async () => {
    const run = await secours('validate', join(root, 'dist', 'scenarios', 'counters-2018-04-09.json'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /: scenario counters-2018-04-09, catalogue la-poste, 3 events, 7 operations with traffic\n$/,
    );
  });

  it('tells a scenario without $schema by its shape', async () => {
    write('plain.json', scenarios['transfers-2022-09-15']);
    const run = await secours('validate', 'plain.json');
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^✔ plain\.json: scenario transfers-2022-09-15, /);
  });

  it('prints every problem of a bad scenario with its path, and exits 1', async () => {
    write('bad.json', {
      name: 'Bad Name',
      title: 'x',
      catalog: 'la-poste',
      start: 'yesterday',
      end: '2026-01-01T10:00:00+01:00',
      timeline: [{ at: '2026-01-01T09:00:00+01:00', do: 'down', channel: 'fax' }],
      traffic: { perMinute: { transfer: 1 } },
    });
    const run = await secours('validate', '--scenario', 'bad.json');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^bad\.json: \d+ problems\n/);
    expect(run.stdout).toContain('→ at name');
    expect(run.stdout).toContain('→ at start');
  });

  it('checks a file named by --scenario as a scenario, whatever its shape', async () => {
    write('catalogue-shaped.json', { channels: {}, operations: {} });
    const run = await secours('validate', '--scenario', 'catalogue-shaped.json');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('→ at name');
  });

  it('still says 2 for a file it cannot read', async () => {
    const run = await secours('validate', '--scenario', 'missing.json');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^secours: cannot read missing\.json: ENOENT/);
  });
});
