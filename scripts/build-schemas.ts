/**
 * Run after tsup (`npm run build`): writes the JSON Schemas of catalogue and scenario files,
 * generated from the zod schemas that validate them, and the named scenarios as JSON files that
 * point to their schema, so that editors complete and check them.
 *
 *   dist/schema/catalog.json    secours/schema/catalog.json
 *   dist/schema/scenario.json   secours/schema/scenario.json
 *   dist/scenarios/<name>.json  secours/scenarios/<name>.json
 *
 * Generated, never written by hand: the files cannot drift from the code.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { catalogSchema } from '../src/catalog-schema.js';
import { scenarioSchema } from '../src/testing/scenario-schema.js';
import { scenarios } from '../src/testing/scenarios/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** Files are what people write: the input side (defaults optional), refinements left to zod. */
const toJson = (schema: z.core.$ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;

function write(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

const catalog = {
  ...toJson(catalogSchema),
  title: 'secours catalogue',
  description:
    'Channels and operations of a service organisation, as read by parseCatalog and `secours validate`. Checks that need the whole file (routes naming known channels, opening hours that parse and do not overlap, IANA time zones) are made by secours, not by this schema.',
};

const scenario = toJson(scenarioSchema);
const properties = scenario.properties as Record<string, Record<string, unknown>>;
// A scenario names a preset or carries a whole catalogue: point editors at the catalogue's schema.
properties.catalog = {
  description: 'A preset name (`la-poste`) or a whole catalogue.',
  anyOf: [{ type: 'string' }, { $ref: './catalog.json' }],
};
const scenarioFile = {
  ...scenario,
  title: 'secours scenario',
  description:
    'A replay for `secours simulate` and runScenario: a catalogue, a timeline of failures and declarations, and a traffic model. The outage of a declare-outage event is checked in full against the catalogue by secours.',
};

rmSync(join(dist, 'schema'), { recursive: true, force: true });
rmSync(join(dist, 'scenarios'), { recursive: true, force: true });
write(join(dist, 'schema', 'catalog.json'), catalog);
write(join(dist, 'schema', 'scenario.json'), scenarioFile);
for (const [name, input] of Object.entries(scenarios)) {
  // Relative to the file, as editors resolve `$schema`: dist/scenarios/ → dist/schema/.
  write(join(dist, 'scenarios', `${name}.json`), { $schema: '../schema/scenario.json', ...input });
}
process.stdout.write(`schemas: dist/schema/{catalog,scenario}.json, ${Object.keys(scenarios).length} scenarios\n`);
