/**
 * The demo server: the La Poste preset behind a router whose backends live the scenes of
 * scenario.ts, the status feed, the admin endpoint, an endpoint that executes operations, and
 * the page built by Vite. Everything goes through `secours/http` and its node:http adapter.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminHandler, negotiateLocale, PROBLEM_JSON, problemResponse, statusHandler } from '../../src/http/index.js';
import { toNodeListener } from '../../src/http/node-adapter.js';
import { createRouter, type HandlerContext, LOCALES, NotExecutedError } from '../../src/index.js';
import { laPoste } from '../../src/presets/la-poste.js';
import { TerminalDownError } from '../demo/backends.js';
import { DemoClock, SCENES, type Scene, type SceneContext, type StoryLine, type World } from './scenario.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface DemoServerOptions {
  /** @default 4321; 0 picks a free one */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Virtual seconds per real second. @default 240 */
  speed?: number;
  /** Play the scenes. Without, the clock runs at `speed` from `startAt` and nothing happens by itself. @default true */
  replay?: boolean;
  /** Where virtual time starts. @default the first scene's start */
  startAt?: number;
  /** The admin token. @default a random one */
  token?: string;
  /** Where the built page is. @default built now with Vite */
  pageDir?: string;
}

export interface DemoServer {
  readonly url: string;
  readonly token: string;
  readonly server: Server;
  readonly router: ReturnType<typeof buildRouter>;
  readonly clock: DemoClock;
  /**
   * Moves the replay forward to `at` (in a later scene, or later in this one), running every
   * beat on the way as if time had passed: a test or a presenter can stop at one moment.
   */
  seek(at: number): void;
  close(): Promise<void>;
}

/** Sample requests the page's buttons send, one per operation. */
const SAMPLES: Record<string, { input: Record<string, unknown>; amount?: number }> = {
  'stamp-purchase': { input: { stamps: 10 } },
  postage: { input: { item: 'letter', grams: 20 } },
  'cash-withdrawal': { input: { amount: 60 }, amount: 60 },
  'cash-deposit': { input: { amount: 200 }, amount: 200 },
  'registered-mail-pickup': { input: { notice: 'AR-55120' } },
  'parcel-pickup': { input: { tracking: '6A14871234567' } },
  transfer: { input: { to: 'FR76 3000 4000 0500 0012 3456 789', amount: 120 }, amount: 120 },
  'card-block': { input: { card: '**** 4821' } },
  balance: { input: { account: 'CCP-1234' } },
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

function buildRouter(world: World, now: () => number) {
  let n = 0;
  const receipt = (prefix: string) => ({ receipt: `${prefix}-${String(++n).padStart(5, '0')}` });
  /** A backend answering in real time (a few hundred ms), failing when the world says so. */
  const backend =
    (prefix: string, latency: number, down: () => Error | undefined = () => undefined) =>
    async (_input: unknown, ctx: HandlerContext) => {
      const failure = down();
      await sleep(failure ? latency * 2 : latency, ctx.signal);
      if (failure) throw failure;
      return receipt(prefix);
    };
  const counter = backend('GUICHET', 700, () => (world.counterDown ? new TerminalDownError() : undefined));
  const machine = backend('AUTOMATE', 400);
  const atm = backend('DAB', 500);
  const web = backend('WEB', 300);
  const app = backend('APPLI', 250);
  // The September 2022 failure: the request never reached the transfer system.
  const banking = (prefix: string, latency: number) =>
    backend(prefix, latency, () =>
      world.onlineBankingDown ? new NotExecutedError('transfers backend: hardware failure') : undefined,
    );
  return createRouter({
    catalog: laPoste,
    clock: { now },
    // Real-time breakers: they open after three failures in a minute and try again after 20 s.
    breaker: {
      timeout: 5_000,
      volumeThreshold: 3,
      errorThresholdPercentage: 50,
      resetTimeout: 20_000,
      rollingCountTimeout: 60_000,
      rollingCountBuckets: 6,
    },
    handlers: {
      'stamp-purchase': { counter, 'postage-machine': machine, app, web },
      postage: { counter, 'postage-machine': machine, web, app },
      'cash-withdrawal': { atm, counter },
      'cash-deposit': { counter, atm },
      'registered-mail-pickup': { counter },
      'parcel-pickup': { counter },
      // Banking at the counter stays a referral here: a page cannot send you there automatically.
      transfer: { app: banking('APPLI', 250), web: banking('WEB', 300) },
      'card-block': { app: banking('APPLI', 250), web: banking('WEB', 300) },
      balance: { app, web },
    },
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Builds the page with Vite into a cache directory; returns where it is. */
export async function buildPage(outDir = resolve(here, '../../node_modules/.cache/secours-demo')): Promise<string> {
  const { build } = await import('vite');
  await build({ configFile: join(here, 'vite.config.ts'), build: { outDir, emptyOutDir: true }, logLevel: 'warn' });
  return outDir;
}

function serveFile(dir: string, req: IncomingMessage, res: ServerResponse): void {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const file = normalize(join(dir, path === '/' ? 'index.html' : path));
  if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(file).pipe(res);
}

export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const speed = options.speed ?? 240;
  const replay = options.replay ?? true;
  const token = options.token ?? randomBytes(18).toString('base64url');
  const pageDir = resolve(options.pageDir ?? (await buildPage()));
  const first = SCENES[0] as Scene;
  const clock = new DemoClock(options.startAt ?? first.from, speed);
  const world: World = { counterDown: false, onlineBankingDown: false };
  const router = buildRouter(world, clock.now);
  const status = statusHandler(router);
  const admin = adminHandler(router, { token, path: '/api/admin/outages' });

  // ── The scenes ───────────────────────────────────────────────────────────────────────────
  let scene: Scene | undefined = replay ? first : undefined;
  let next = 0;
  const story: StoryLine[] = [];
  const demoStreams = new Set<ServerResponse>();
  const ctx: SceneContext = {
    world,
    declareOutage: ({ until, ...input }) => {
      if (router.getSnapshot().outages.some((o) => o.id === input.id)) return;
      router.declareOutage({ ...input, ...(until === undefined ? {} : { until }) } as never);
    },
    endOutage: (id) => router.endOutage(id),
  };
  const demoState = () => ({
    scene: scene ? { id: scene.id, title: scene.title, exclude: scene.exclude } : undefined,
    now: clock.now(),
    speed,
    story: story.slice(-6),
  });
  const demoFrame = () => `event: demo\ndata: ${JSON.stringify(demoState())}\n\n`;
  const publish = () => {
    // Encoded once for every open page.
    const frame = Buffer.from(demoFrame());
    for (const res of demoStreams) res.write(frame);
  };
  const enter = (s: Scene) => {
    scene = s;
    next = 0;
    story.length = 0;
    clock.jump(s.from);
    if (s === first) for (const o of router.getSnapshot().outages) router.endOutage(o.id);
    publish();
  };
  const tick = () => {
    if (!scene) return;
    const now = clock.now();
    // Several beats can fall in one tick (after a jump, or at high speed): the pages hear once.
    let told = false;
    while (next < scene.beats.length && (scene.beats[next] as { at: number }).at <= now) {
      const beat = scene.beats[next++] as (typeof scene.beats)[number];
      beat.run?.(ctx);
      if (beat.text) story.push({ at: beat.at, text: beat.text });
      const c = beat.customer;
      if (c) {
        const sample = SAMPLES[c.request.op];
        router
          .execute(c.request.op, c.request.input as never, {
            locale: c.locale,
            ...(c.exclude ? { exclude: c.exclude.filter((ch) => ch !== 'wero') as never } : {}),
            ...(sample?.amount === undefined ? {} : { amount: (c.request.input as { amount?: number }).amount }),
          })
          .catch(() => {});
      }
      if (beat.text) told = true;
    }
    if (told) publish();
    // Reading the snapshot applies outages that started or expired in virtual time.
    router.getSnapshot();
    if (now >= scene.to) enter(SCENES[(SCENES.indexOf(scene) + 1) % SCENES.length] as Scene);
  };
  const seek = (at: number) => {
    const target = SCENES.find((s) => s.from <= at && at < s.to);
    if (!target) throw new RangeError(`no scene at ${new Date(at).toISOString()}`);
    if (target !== scene || at < clock.now()) enter(target);
    clock.jump(at);
    tick();
  };
  const ticker = setInterval(tick, 100);
  const demoPing = setInterval(publish, 5_000);
  if (scene) enter(scene);

  // ── HTTP ─────────────────────────────────────────────────────────────────────────────────
  const execute = toNodeListener(async (request: Request) => {
    if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
    const body = (await request.json().catch(() => ({}))) as { operation?: string; locale?: string };
    const sample = typeof body.operation === 'string' ? SAMPLES[body.operation] : undefined;
    if (!sample || !body.operation) {
      return Response.json(
        { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'unknown operation' },
        // English whatever Accept-Language asked: it says so, as the library's own refusals do.
        { status: 400, headers: { 'content-type': PROBLEM_JSON, 'content-language': 'en' } },
      );
    }
    // The language the person picked on the page, else their browser's, among those secours speaks.
    const picked = typeof body.locale === 'string';
    const locale = negotiateLocale(picked ? body.locale : request, LOCALES);
    const outcome = await router.execute(body.operation as never, sample.input as never, {
      locale,
      ...(scene?.exclude.length ? { exclude: scene.exclude as never } : {}),
      ...(sample.amount === undefined ? {} : { amount: sample.amount }),
    });
    if (outcome.kind !== 'served') {
      return problemResponse(outcome, { locale, now: clock.now, ...(picked ? {} : { request }) });
    }
    return Response.json({
      kind: 'served',
      operation: outcome.operation,
      channel: outcome.channel,
      degraded: outcome.degraded,
      value: outcome.value,
    });
  });
  const listeners = { status: toNodeListener(status), admin: toNodeListener(admin) };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (path === '/api/status') return listeners.status(req, res);
    if (path === '/api/admin/outages' || path.startsWith('/api/admin/outages/')) return listeners.admin(req, res);
    if (path === '/api/execute') return execute(req, res);
    if (path === '/api/demo') {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
      });
      res.write(`retry: 2000\n${demoFrame()}`);
      demoStreams.add(res);
      res.on('close', () => demoStreams.delete(res));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    serveFile(pageDir, req, res);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4321, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    token,
    server,
    router,
    clock,
    seek,
    close: () => {
      closing ??= new Promise<void>((done) => {
        clearInterval(ticker);
        clearInterval(demoPing);
        status.close();
        for (const res of demoStreams) res.end();
        router.dispose();
        server.closeAllConnections();
        server.close(() => done());
      });
      return closing;
    },
  };
}
