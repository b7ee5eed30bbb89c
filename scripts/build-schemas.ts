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
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import * as z from 'zod';
import { scenarioSchema } from '../src/testing/scenario.js';
import { scenarios } from '../src/testing/scenarios/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/**
 * `src/catalog.ts` keeps its zod schema to itself. Until it exports it, the schema is read from
 * a private build of that one module, with the export added: if the name changes, this fails.
 */
async function loadCatalogSchema(): Promise<z.core.$ZodType> {
  const exportIt: Plugin = {
    name: 'export-catalog-schema',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]catalog\.ts$/ }, (args) => ({
        contents: `${readFileSync(args.path, 'utf8')}\nexport { catalogSchema as __catalogSchema };\n`,
        loader: 'ts',
      }));
    },
  };
  // Inside node_modules, so that zod resolves from the private build as from the package.
  const out = join(root, 'node_modules', '.cache', 'secours-schema', 'catalog.mjs');
  await build({
    entryPoints: [join(root, 'src', 'catalog.ts')],
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    outfile: out,
    plugins: [exportIt],
    logLevel: 'warning',
  });
  const schema = (await import(pathToFileURL(out).href)).__catalogSchema;
  if (!schema) throw new Error('src/catalog.ts has no `catalogSchema`: update scripts/build-schemas.ts');
  return schema;
}

/** Files are what people write: the input side (defaults optional), refinements left to zod. */
const toJson = (schema: z.core.$ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;

function write(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

const catalog = {
  ...toJson(await loadCatalogSchema()),
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
