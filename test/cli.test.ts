// The `secours` bin as users run it: the built file, in a child process.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { laPoste } from '../src/presets/la-poste.js';
import { manifest, root } from './helpers/packed.js';

const bin = join(root, (manifest as unknown as { bin: Record<string, string> }).bin.secours ?? 'missing-bin');
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function secours(...args: string[]): Promise<Run> {
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

describe('secours simulate', () => {
  it('is an executable with a shebang, named in package.json', () => {
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(bin).mode & 0o111).not.toBe(0);
  });

  it('writes a self-contained HTML report with one SVG chart', async () => {
    const run = await secours('simulate', 'counters-2018-04-09', '--format', 'html', '--out', 'report.html');
    expect(run.code).toBe(0);
    // No terminal here: no progress bar, one line saying where the report went.
    expect(run.stderr).toBe('counters-2018-04-09: html report written to report.html\n');
    expect(run.stdout).toBe('');
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg /g)).toHaveLength(1);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('Counter terminals down in every post office');
    expect(html).toMatch(/<rect [^>]*fill="#c62828"><title>counter: major_outage from 10:30:00 to 15:00:00<\/title>/);
  });

  it('draws a progress bar on standard error only when it is a terminal', async () => {
    // `script` (util-linux) gives the command a pseudo-terminal.
    const hasScript = await new Promise<boolean>((resolve) =>
      execFile('script', ['--version'], (error) => resolve(!error)),
    );
    if (!hasScript) {
      if (process.env.CI === 'true') throw new Error('`script` (util-linux) is missing: install it');
      console.warn('SKIPPED: no `script` command (util-linux) to give the CLI a terminal');
      return;
    }
    const tty = await new Promise<string>((resolve, reject) =>
      execFile(
        'script',
        ['-qec', `"${process.execPath}" "${bin}" simulate laposte-fr-2024-02-06 --out tty.txt`, '/dev/null'],
        { cwd: dir, timeout: 60_000 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    );
    expect(tty).toContain('\rlaposte-fr-2024-02-06 [###');
    expect(tty).toContain('11/11');
    const plain = await secours('simulate', 'laposte-fr-2024-02-06');
    expect(plain.stderr).toBe('');
    // The report itself is the same with or without a terminal.
    expect(readFileSync(join(dir, 'tty.txt'), 'utf8')).toBe(plain.stdout);
  });

  it('prints the same bytes for the same seed, and others for another seed', async () => {
    const a = await secours('simulate', 'laposte-fr-2024-02-06', '--format', 'json', '--seed', '7');
    const b = await secours('simulate', 'laposte-fr-2024-02-06', '--format', 'json', '--seed', '7');
    const c = await secours('simulate', 'laposte-fr-2024-02-06', '--format', 'json', '--seed', '8');
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).not.toBe(a.stdout);
    expect(JSON.parse(a.stdout).scenario).toMatchObject({ name: 'laposte-fr-2024-02-06', seed: 7 });
  });

  it('prints a text report by default', async () => {
    const run = await secours('simulate', 'transfers-2022-09-15');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^secours simulate — Online transfers/);
    // requests, first route, first closed, degraded, referred, uncertain (none), open alternative
    expect(run.stdout).toMatch(/\n {2}transfer +\d+ +\d+ +\d+ +\d+ +\d+ +0 +\d+\.\d %\n/);
  });

  it('replays a scenario file, and lists every problem of a bad one with its path', async () => {
    const ok = {
      name: 'two-channels',
      title: 'App down for an hour',
      catalog: {
        channels: { app: { kind: 'digital', label: 'App' }, phone: { kind: 'phone', label: 'Phone' } },
        operations: { transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'phone' }] } },
      },
      start: '2026-01-05T09:00:00+01:00',
      end: '2026-01-05T12:00:00+01:00',
      timeline: [
        { at: '2026-01-05T10:00:00+01:00', do: 'down', channel: 'app' },
        { at: '2026-01-05T11:00:00+01:00', do: 'up', channel: 'app' },
      ],
      traffic: { perMinute: { transfer: 2 } },
    };
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(ok));
    const run = await secours('simulate', 'ok.json', '--format', 'json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.operations.transfer.offered.phone).toBeGreaterThan(0);
    expect(report.failures[0]).toMatchObject({ target: 'app', kind: 'chaos' });

    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ ...ok, bucketMinutes: 0, traffic: { perMinute: { transfr: 1 } } }),
    );
    const bad = await secours('simulate', 'bad.json');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('bad.json: 1 problem\n  ✖ must be at least 1 → at bucketMinutes\n');
  });

  it('says what is wrong with the command line', async () => {
    const run = await secours('simulate', 'counters-2018-04-09', '--format', 'pdf');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^secours: --format must be text, json or html, not "pdf"\n/);
    expect((await secours('simulate', 'no-such.json')).stderr).toMatch(/^secours: cannot read no-such.json: ENOENT/);
    expect((await secours('simulate', 'x', '--seed', '1.5')).code).toBe(2);
    expect((await secours('frobnicate')).stderr).toMatch(/unknown command "frobnicate"/);
  });
});

describe('secours validate', () => {
  it('accepts a valid catalogue', async () => {
    writeFileSync(join(dir, 'la-poste.json'), JSON.stringify(laPoste));
    const run = await secours('validate', 'la-poste.json');
    expect(run).toMatchObject({ code: 0, stdout: '✔ la-poste.json: 13 channels, 9 operations\n' });
  });

  it('prints every problem with its path and exits non-zero', async () => {
    writeFileSync(
      join(dir, 'bad-catalogue.json'),
      JSON.stringify({
        channels: { x: { kind: 'fax', label: 'X' }, app: { kind: 'digital', label: 'App' } },
        operations: { transfer: { label: 'T', routes: [{ channel: 'app' }, { channel: 'nope' }] } },
      }),
    );
    const run = await secours('validate', 'bad-catalogue.json');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        'bad-catalogue.json: 2 problems',
        '  ✖ expected one of: digital, self-service, phone, in-person → at channels.x.kind',
        '  ✖ unknown channel `nope`; known channels: x, app → at operations.transfer.routes[1].channel',
        '',
      ].join('\n'),
    );
  });

  it('refuses a catalogue nested 5,000 levels deep with the path, exit 1 and no stack', async () => {
    const deep = `${'{"a":'.repeat(5_000)}"x"${'}'.repeat(5_000)}`;
    writeFileSync(join(dir, 'deep.json'), `{"channels":{"app":{"kind":"digital","label":${deep}}},"operations":{}}`);
    const run = await secours('validate', 'deep.json');
    expect(run).toEqual({
      code: 1,
      stdout: 'deep.json: 1 problem\n  ✖ nested more than 64 levels deep → at channels.app.label.a.a.a.a.a…\n',
      stderr: '',
    });
  });

  it('lists the first 20 of 15,000 problems and counts the rest', async () => {
    const channels = Object.fromEntries(
      Array.from({ length: 15_000 }, (_, i) => [`c${i}`, { kind: 'fax', label: 'x' }]),
    );
    writeFileSync(join(dir, 'many.json'), JSON.stringify({ channels, operations: {} }));
    const run = await secours('validate', 'many.json');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('many.json: 15000 problems');
    expect(lines).toHaveLength(22);
    expect(lines[21]).toBe('  ✖ … and 14980 more problems');
  });

  it('refuses a catalogue with more values than the bound, exit 1 and no stack', async () => {
    const channels = Object.fromEntries(
      Array.from({ length: 100_000 }, (_, i) => [`c${i}`, { kind: 'fax', label: 'x' }]),
    );
    writeFileSync(join(dir, 'huge.json'), JSON.stringify({ channels, operations: {} }));
    const run = await secours('validate', 'huge.json');
    expect(run).toEqual({
      code: 1,
      stdout: 'huge.json: 1 problem\n  ✖ too large: more than 100000 values → at channels\n',
      stderr: '',
    });
  });
});
