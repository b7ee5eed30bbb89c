import { defineConfig } from 'tsup';

const entry = {
  index: 'src/index.ts',
  'presets/la-poste': 'src/presets/la-poste.ts',
  'http/index': 'src/http/index.ts',
  // React is an optional peer, never bundled: the page's own copy must be the one the hooks use.
  'react/index': 'src/react/index.ts',
  // One entry point per extra locale: the core carries only fr and en.
  'i18n/de': 'src/i18n/de.ts',
  'i18n/es': 'src/i18n/es.ts',
  'i18n/it': 'src/i18n/it.ts',
  'i18n/nl': 'src/i18n/nl.ts',
  // Node and browsers alike: it needs only @opentelemetry/api, an optional peer left external.
  otel: 'src/otel/index.ts',
};
/** Optional peers never bundled: the application's own copy is the one with its providers. */
const external = ['@opentelemetry/api', 'react'];
// Node-side entry points, built with the core so they share its chunks (one router, one set of
// error classes), and left out of the browser build (node:http, the CLI). @sinonjs/fake-timers
// and vitest stay external: optional peer dependencies.
const nodeEntry = {
  ...entry,
  'http/node': 'src/http/node-adapter.ts',
  'testing/index': 'src/testing/index.ts',
  'testing/vitest': 'src/testing/vitest.ts',
  cli: 'src/cli.ts',
};
// Node-only entry points: built with the core (sharing its chunks, so `ConfigError` is one class
// whichever entry throws it), never in the browser build. ioredis and prom-client stay external.
const nodeOnly = {
  redis: 'src/redis/index.ts',
  prometheus: 'src/prometheus/index.ts',
};

export default defineConfig([
  {
    // Node and any bundler that does not ask for the browser build.
    entry: { ...nodeEntry, ...nodeOnly },
    format: ['esm', 'cjs'],
    // tsup sets `baseUrl`, which TypeScript 6 deprecates.
    dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    splitting: true,
    treeshake: true,
    external,
  },
  {
    // Browsers, through the `browser` export condition (Vite, esbuild, webpack…). opossum
    // requires Node's `events`, which no browser has and modern bundlers no longer polyfill, so
    // this build carries opossum with `events` resolved to eventemitter3, one of our own
    // dependencies. Types are those of the main build. The preset is built here too, sharing
    // one chunk with the core: resolved to the main build instead, it would bring a second copy
    // of the catalogue code and of everything bundled with it.
    entry,
    outDir: 'dist/browser',
    format: ['esm'],
    splitting: true,
    dts: false,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
    treeshake: true,
    noExternal: ['opossum', 'eventemitter3'],
    external,
    esbuildOptions(options) {
      options.alias = { ...options.alias, events: 'eventemitter3' };
      options.mainFields = ['browser', 'module', 'main'];
    },
  },
]);
