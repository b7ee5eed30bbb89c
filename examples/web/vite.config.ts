// Builds the demo page from the sources, so `npm run demo` works on a fresh clone before any
// `npm run build`. `events` (required by opossum) resolves to eventemitter3, as in the package's
// own browser build.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [{ find: /^events$/, replacement: 'eventemitter3' }],
  },
  build: { target: 'es2022', sourcemap: true, reportCompressedSize: false },
});
