// Catalogue and scenario files as documented formats: the JSON Schemas and the named scenarios
// the build ships (`npm run build`), and the README's example scenario, which must run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../src/testing/run-scenario.js';
import { parseScenario } from '../src/testing/scenario.js';
import { scenarioSchema } from '../src/testing/scenario-schema.js';
import { scenarios } from '../src/testing/scenarios/index.js';
import { assertBuilt, manifest, root } from './helpers/packed.js';

type Json = Record<string, unknown>;
const readJson = (file: string): Json => JSON.parse(readFileSync(file, 'utf8'));
const schemaDir = join(root, 'dist', 'schema');
const scenarioDir = join(root, 'dist', 'scenarios');

beforeAll(() => assertBuilt());

describe('the JSON Schemas', () => {
  it.each(['catalog', 'scenario'])(
    '%s.json is a draft 2020-12 schema of a closed object, exported as secours/schema/%s.json',
    (name) => {
      const schema = readJson(join(schemaDir, `${name}.json`));
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
      expect((manifest.exports as Json)[`./schema/${name}.json`]).toBe(`./dist/schema/${name}.json`);
    },
  );

  it('lists every top-level property of the zod schemas, and requires what they require', () => {
    const scenario = readJson(join(schemaDir, 'scenario.json'));
    expect(Object.keys(scenario.properties as Json).sort()).toEqual(Object.keys(scenarioSchema.shape).sort());
    expect(scenario.required).toEqual(
      expect.arrayContaining(['name', 'title', 'catalog', 'start', 'end', 'timeline', 'traffic']),
    );
    const catalog = readJson(join(schemaDir, 'catalog.json'));
    // `$schema` too: a catalogue file points at this schema, as the README says to.
    expect(Object.keys(catalog.properties as Json).sort()).toEqual([
      '$schema',
      'channels',
      'defaultLocale',
      'operations',
    ]);
    expect(catalog.required).toEqual(['channels', 'operations']);
  });

  it('points a scenario’s catalogue at the catalogue schema, next to it', () => {
    const scenario = readJson(join(schemaDir, 'scenario.json'));
    const anyOf = ((scenario.properties as Record<string, Json>).catalog?.anyOf ?? []) as Json[];
    const ref = anyOf.find((s) => s.$ref)?.$ref;
    expect(ref).toBe('./catalog.json');
    expect(existsSync(resolve(schemaDir, ref as string))).toBe(true);
  });
});

describe('the shipped scenarios', () => {
  const files = existsSync(scenarioDir) ? readdirSync(scenarioDir) : [];

  it('are the named scenarios, one JSON file each, each exported', () => {
    expect(files.sort()).toEqual(
      Object.keys(scenarios)
        .map((n) => `${n}.json`)
        .sort(),
    );
    for (const file of files) {
      expect((manifest.exports as Json)[`./scenarios/${file}`]).toBe(`./dist/scenarios/${file}`);
    }
  });

  it.each(Object.keys(scenarios))(
    '%s.json: $schema resolves, zod accepts it, and it is the TS source exactly',
    (name) => {
      const file = join(scenarioDir, `${name}.json`);
      const { $schema, ...rest } = readJson(file);
      expect(existsSync(resolve(dirname(file), $schema as string)), `${$schema} from dist/scenarios`).toBe(true);
      expect(resolve(dirname(file), $schema as string)).toBe(join(schemaDir, 'scenario.json'));
      expect(parseScenario(readFileSync(file, 'utf8')).name).toBe(name);
      expect(rest).toEqual(JSON.parse(JSON.stringify(scenarios[name])));
    },
  );

  it('cite public URLs, not a file outside the repository', () => {
    for (const [name, s] of Object.entries(scenarios)) {
      for (const source of s.sources ?? []) {
        expect(source, name).toMatch(/^(https:\/\/|unverified: )/);
      }
    }
  });
});

describe('the README’s example scenario', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Scenario and catalogue files'));
  const block = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];

  it('is valid, and runs: the ATM failure is detected and people are sent elsewhere', async () => {
    expect(block, 'a ```json block in the section').toBeDefined();
    const report = await runScenario(block);
    expect(report.scenario.name).toBe('atm-morning');
    expect(report.all.requests).toBeGreaterThan(100);
    const atm = report.failures.find((f) => f.target === 'atm');
    expect(atm?.detectedAt).toBeDefined();
    // Another bank's cash machine, automated by default like every self-service channel, serves instead.
    expect(report.operations['cash-withdrawal']?.servedBy['other-bank-atm']).toBeGreaterThan(0);
  });
});
