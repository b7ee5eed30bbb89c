// The README's React example, as printed: it bundles against this checkout (every name it imports
// exists where it imports it from) with React's automatic JSX runtime.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { expect, it } from 'vitest';
import { root } from './helpers/packed.js';

it('the Frontend (React) example bundles, importing the hooks from secours/react', async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Frontend (React)'));
  const block = /```tsx\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  expect(block).toMatch(/import \{[^}]*\busePlan\b[^}]*\} from 'secours\/react'/);
  expect(block).toMatch(/import \{[^}]*\buseStatusFeed\b[^}]*\} from 'secours\/react'/);
  const src = (path: string) => join(root, 'src', path);
  const result = await build({
    stdin: { contents: block, loader: 'tsx', resolveDir: root, sourcefile: 'README-react.tsx' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    alias: {
      'secours/react': src('react/index.ts'),
      'secours/http': src('http/index.ts'),
      'secours/presets/la-poste': src('presets/la-poste.ts'),
      secours: src('index.ts'),
      events: 'eventemitter3',
    },
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  expect(result.warnings).toEqual([]);
});
