// The package as users get it: `npm pack`, unpacked into a fresh project's node_modules, next to
// its runtime dependencies. Tests that load or bundle it see only what the `files` field ships
// and what the `exports` map allows, not the repository.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Manifest {
  name: string;
  exports: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export const manifest: Manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function targets(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (node === null || typeof node !== 'object') return [];
  return Object.values(node).flatMap(targets);
}

/** Fails with the fix when a file the `exports` map points into `dist/` is missing. */
export function assertBuilt(): void {
  const missing = [...new Set(targets(manifest.exports))]
    .filter((target) => target.startsWith('./dist/'))
    .filter((target) => !existsSync(join(root, target)));
  if (missing.length > 0) {
    throw new Error(
      `The package is not built: ${missing.join(', ')} missing. Run \`npm run build\` first (\`npm test\` does).`,
    );
  }
}

export interface Installed {
  /** A project directory whose node_modules holds the packed `secours` and its dependencies. */
  readonly dir: string;
  dispose(): void;
}

export function installPacked(): Installed {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'secours-consumer-'));
  try {
    const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [packed] = JSON.parse(out) as { filename: string }[];
    if (!packed) throw new Error(`npm pack printed no file: ${out}`);
    const installed = join(dir, 'node_modules', manifest.name);
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, packed.filename), '-C', installed, '--strip-components=1']);
    rmSync(join(dir, packed.filename));
    // Symlinks resolve to the repository's copies, so their own dependencies resolve there too.
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      const from = join(root, 'node_modules', dep);
      if (!existsSync(from)) continue; // an optional peer this checkout does not install
      const to = join(dir, 'node_modules', dep);
      mkdirSync(dirname(to), { recursive: true });
      symlinkSync(from, to, 'dir');
    }
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
