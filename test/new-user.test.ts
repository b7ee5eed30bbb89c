// What a new user meets first: the README's examples as printed, the errors of a first mistake,
// and the `secours` bin given a wrong name. Each test is a place where what secours says and
// what it does disagreed.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createRouter, parseCatalog } from '../src/index.js';
import { laPoste } from '../src/presets/la-poste.js';
import { parseScenario } from '../src/testing/index.js';
import { manifest, root } from './helpers/packed.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'secours-new-user-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The ```ts block that follows `heading` in the README. */
function blockAfter(heading: string): string {
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`README has no heading ${heading}`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!match?.[1]) throw new Error(`README has no ts block after ${heading}`);
  return match[1];
}

function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const tsx = join(root, 'node_modules/.bin/tsx');
const bin = join(root, (manifest as unknown as { bin: Record<string, string> }).bin.secours ?? 'missing-bin');
const src = (path: string) => JSON.stringify(pathToFileURL(join(root, 'src', path)).href);

describe('the README examples, as printed', () => {
  it('the Outages example runs (its `until` is after its `from`)', async () => {
    // A user copies the block under a router of their own; it must not throw.
    const file = join(dir, 'outages.ts');
    writeFileSync(
      file,
      `import { createRouter } from ${src('index.ts')};\nimport { laPoste } from ${src('presets/la-poste.ts')};\n` +
        `const router = createRouter({ catalog: laPoste });\n${blockAfter('### Outages')}router.dispose();\n`,
    );
    const result = await run(tsx, [file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('the Bulkhead example runs and prints what it says', async () => {
    const file = join(dir, 'bulkhead.mts');
    writeFileSync(
      file,
      `import { createRouter } from ${src('index.ts')};\nimport { laPoste } from ${src('presets/la-poste.ts')};\n` +
        blockAfter('#### Bulkhead'),
    );
    const result = await run(tsx, [file]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe("[ 'app', 'app', 'app', 'web' ]\n");
  });

  it('the plain DOM example imports what it uses', () => {
    const block = blockAfter('### Frontend (plain DOM)');
    for (const name of ['createStatusClient', 'createRouter', 'connectStatus', 'localise', 'laPoste']) {
      expect(block).toMatch(new RegExp(`import \\{[^}]*\\b${name}\\b[^}]*\\} from`));
    }
  });
});

describe('a first mistake gets an error that names it', () => {
  it('createRouter refuses an option it does not know (`handler` for `handlers`)', () => {
    // Untyped code (JavaScript, options read from config) with a typo used to get a router
    // without a single handler: every call a referral, and no error anywhere.
    const options = { catalog: laPoste, handler: { transfer: { app: async () => 1 } } };
    let error: unknown;
    try {
      createRouter(options as unknown as Parameters<typeof createRouter>[0]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([{ path: 'handler', message: 'unknown option' }]);
  });

  it('a missing field is said to be required, not "expected string, got undefined"', () => {
    const scenario = {
      name: 'x',
      start: '2026-01-01T00:00:00Z',
      end: '2026-01-01T01:00:00Z',
      timeline: [],
      traffic: { perMinute: {} },
    };
    let error: unknown;
    try {
      parseScenario(scenario);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const messages = Object.fromEntries((error as ConfigError).issues.map((i) => [i.path, i.message]));
    expect(messages.title).toBe('required');
    // The union of a preset name and a catalogue used to print "undefined  matches none…".
    expect(messages.catalog).toBe('required');
  });

  it('a catalogue without its tables says the missing one is required', () => {
    let error: unknown;
    try {
      parseCatalog({ channels: [] });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).issues).toEqual([
      { path: 'channels', message: 'expected record, got array' },
      { path: 'operations', message: 'required' },
    ]);
  });
});

describe('a catalogue file that points `$schema` at the published schema, as the README says to', () => {
  const file = {
    $schema: './node_modules/secours/dist/schema/catalog.json',
    channels: { app: { kind: 'digital', label: 'App' } },
    operations: { transfer: { label: 'Transfer', routes: [{ channel: 'app' }] } },
  };

  it('is a valid catalogue for parseCatalog, and the `$schema` is not kept', () => {
    const catalog = parseCatalog(JSON.stringify(file));
    expect(Object.keys(catalog)).toEqual(['channels', 'operations']);
  });

  it('is valid for the JSON Schema an editor reads', () => {
    const schema = JSON.parse(readFileSync(join(root, 'dist/schema/catalog.json'), 'utf8'));
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toContain('$schema');
  });

  it('passes `secours validate`', async () => {
    writeFileSync(join(dir, 'catalogue.json'), JSON.stringify(file));
    const result = await run(process.execPath, [bin, 'validate', 'catalogue.json']);
    expect(result.stdout).toMatch(/^✔ catalogue\.json/);
    expect(result.code).toBe(0);
  });
});

describe('secours simulate with a wrong name', () => {
  it('says it is neither a named scenario nor a file, and lists the names', async () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does)`);
    const result = await run(process.execPath, [bin, 'simulate', 'counters-2018']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^secours: cannot read counters-2018: ENOENT/);
    expect(result.stderr).toContain('no scenario is named `counters-2018`');
    expect(result.stderr).toContain('counters-2018-04-09, transfers-2022-09-15');
  });
});

describe('secours with an option it does not know', () => {
  it("names the option, without node's hint to pass it after `--` (which only moves the error)", async () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does)`);
    const result = await run(process.execPath, [bin, 'simulate', 'counters-2018-04-09', '--frmat', 'json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^secours: unknown option --frmat\n/);
    expect(result.stderr).not.toContain('positional');
    // The hint would have given "simulate takes one scenario": it fixes nothing.
    const hinted = await run(process.execPath, [bin, 'simulate', 'counters-2018-04-09', '--', '--frmat']);
    expect(hinted.stderr).toMatch(/^secours: simulate takes one scenario/);
  });
});
