// Adds a version-only entry to package-lock.json for every optional platform package that
// `npm install` could not record (a registry that lacks, say, biome's macOS build). Without
// them npm 11 rejects its own lock file in `npm ci` ("Missing: … from lock file"). npm skips
// these entries on platforms they are not for, and fetches them by version on the others.
// Run after any `npm install`: node scripts/complete-lock.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const wanted = new Map();
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    if (!lock.packages[`node_modules/${name}`]) wanted.set(name, { range, dev: entry.dev === true || path === '' });
  }
}
for (const [name, { range, dev }] of wanted) {
  lock.packages[`node_modules/${name}`] = {
    version: range.replace(/^[\^~=]/, ''),
    ...(dev ? { dev: true } : {}),
    optional: true,
  };
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lock: added ${wanted.size} optional platform entries`);
