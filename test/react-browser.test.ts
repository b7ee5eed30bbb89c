// secours/react in a real Chromium: React 19's development build in <StrictMode>, the page's clock
// moved by the test (playwright's page.clock), a status feed from a real statusHandler over
// loopback. What a person sees changes when a breaker opens or an outage is declared, when 3639
// closes at 20:00, and when the feed goes stale; renders stay bounded, and React says nothing.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StatusHandler, statusHandler } from '../src/http/index.js';
import { toNodeListener } from '../src/http/node-adapter.js';
import { createRouter, defineCatalog } from '../src/index.js';
import { chromiumAvailable, launchChromium } from './helpers/chromium.js';
import { type Served, serve } from './helpers/serve.js';

const here = dirname(fileURLToPath(import.meta.url));
const found = chromiumAvailable('test/react-browser.test.ts');
/** A limit that only stops a hung test; nothing here measures time. */
const WAIT = 20_000;

/** Monday 5 January 2026 in Paris: 18:55 (the page loads), 19:00 (the clock stops), 20:00 (3639 closes). */
const LOAD = Date.parse('2026-01-05T17:55:00Z');
const SEVEN_PM = Date.parse('2026-01-05T18:00:00Z');
const HOUR = 3_600_000;

interface Counts {
  status: number;
  plan: number;
  feed: number;
  plans: number;
}

/** The page as the suite reads it (test/fixtures/react-page.ts sets it up). */
interface PageApi {
  counts: Counts;
  effects: string[];
  declareOutage(id: string, channel?: 'app' | 'atm'): unknown;
  endOutage(id: string): unknown;
  failApp(): Promise<void>;
}
declare const page: PageApi;

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [join(here, 'fixtures/react-page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    // React's development build: StrictMode's checks and its warnings are the point.
    define: { 'process.env.NODE_ENV': '"development"' },
    // As the browser build does (tsup.config.ts): opossum's `events` is eventemitter3.
    alias: { events: 'eventemitter3' },
    mainFields: ['browser', 'module', 'main'],
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

const HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>secours/react</title></head><body><div id="root"></div><script type="module" src="/page.js"></script></body></html>';

describe.skipIf(!found)('secours/react in Chromium, React 19 in StrictMode', () => {
  let browser: { context: BrowserContext; close(): Promise<void> };
  let server: Served;
  let feed: StatusHandler;
  const serverRouter = createRouter({
    catalog: defineCatalog({
      channels: { counter: { kind: 'in-person', label: 'counter' } },
      operations: { stamps: { label: 'Stamps', routes: [{ channel: 'counter' }] } },
    }),
  });

  beforeAll(async () => {
    const script = await bundle();
    // No heartbeat during the test: every change the page hears is one the test made.
    feed = statusHandler(serverRouter, { heartbeatMs: 600_000 });
    const status = toNodeListener(feed);
    server = await serve((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/status') return status(req, res);
      if (path === '/page.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      // Chromium asks for one by itself; a 404 would be logged as a console error.
      if (path === '/favicon.ico') return res.writeHead(204).end();
      if (path === '/') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML);
      res.writeHead(404).end();
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    feed?.close();
    await server?.close();
    serverRouter.dispose();
  });

  it('re-renders on each change, and only then', async () => {
    const tab: Page = await browser.context.newPage();
    const said: string[] = [];
    tab.on('console', (m) => {
      if (m.type() === 'warning' || m.type() === 'error') said.push(`${m.type()}: ${m.text()} (${m.location().url})`);
    });
    tab.on('pageerror', (e) => said.push(`pageerror: ${e.message}`));
    const counts = () => tab.evaluate(() => ({ ...page.counts }));
    const attr = (id: string, name: string) => tab.getAttribute(`#${id}`, `data-${name}`);
    const shows = (selector: string) => tab.waitForSelector(selector, { timeout: WAIT, state: 'attached' });

    // The clock runs while the page loads, then stops at 19:00: from there only the test moves it.
    await tab.clock.install({ time: LOAD });
    await tab.goto(server.url);
    await shows('#feed[data-connection="open"][data-stale="false"]');
    await tab.clock.pauseAt(SEVEN_PM);
    await shows('#plan[data-will-try="app"][data-phone-open="true"]');
    expect(await tab.textContent('#plan')).toBe('3639 open until 2026-01-05T19:00:00.000Z');

    // Nothing due: an idle minute renders nothing.
    const settled = await counts();
    await tab.clock.runFor(60_000);
    expect(await counts()).toEqual(settled);

    // 20:00 in Paris: 3639 closes, with no call and no change of state, the clock alone.
    await tab.clock.runFor(HOUR - 60_000 - 1);
    expect(await attr('plan', 'phone-open')).toBe('true');
    await tab.clock.runFor(1);
    await shows('#plan[data-phone-open="false"]');
    expect(await tab.textContent('#plan')).toBe('3639 opens 2026-01-06T07:00:00.000Z');

    // An outage declared, then ended.
    const version = Number(await attr('status', 'version'));
    await tab.evaluate(() => page.declareOutage('app-down'));
    await shows('#status[data-app="major_outage"]');
    await shows('#plan[data-will-try=""][data-code="outage"]');
    expect(Number(await attr('status', 'version'))).toBeGreaterThan(version);
    await tab.evaluate(() => page.endOutage('app-down'));
    await shows('#plan[data-will-try="app"]');
    await shows('#status[data-app="operational"]');

    // A change the balance plan does not show (the ATMs): the status renders, the plan does not.
    const beforeAtm = await counts();
    await tab.evaluate(() => page.declareOutage('atm-down', 'atm'));
    await shows('#status[data-atm="major_outage"]');
    const afterAtm = await counts();
    expect(afterAtm.status).toBeGreaterThan(beforeAtm.status);
    expect(afterAtm.plan).toBe(beforeAtm.plan);
    expect(afterAtm.plans).toBe(beforeAtm.plans);

    // Three failures in a row: the app's breaker opens.
    await tab.evaluate(() => page.failApp());
    await shows('#status[data-app="major_outage"]');
    await shows('#plan[data-will-try=""][data-code="unavailable"]');
    // resetTimeout (30 s) later, by the clock alone: half-open, offered again for its trial.
    await tab.clock.runFor(30_000);
    await shows('#status[data-app="degraded_performance"]');
    await shows('#plan[data-will-try="app"]');

    // The server's status reaches the page, then its stream stops: the feed goes stale.
    serverRouter.declareOutage({ id: 'counters', channels: ['counter'], reason: 'Counters are down' });
    await shows('#feed[data-outages="1"][data-stale="false"]');
    const beforeStale = await counts();
    feed.close();
    await shows('#feed[data-stale="true"][data-connection="reconnecting"]');
    const after = await counts();
    expect(after.feed).toBeGreaterThan(beforeStale.feed);
    // The feed's change is the feed's own: the router's components did not render for it.
    expect(after.plan).toBe(beforeStale.plan);
    expect(after.status).toBe(beforeStale.status);

    // One plan object per thing it said: at first, 3639 closed, the outage, its end, the breaker
    // open, then half-open.
    expect(after.plans).toBe(6);
    // The effect that depends on the plan: run twice at mount (StrictMode), then once per new plan.
    expect(await tab.evaluate(() => page.effects)).toEqual(['app', 'app', 'app', '', 'app', '', 'app']);
    // StrictMode renders each twice: the plan's component rendered once per new plan, and the
    // status's once per snapshot (at first, 20:00, the outage, its end, the ATMs, the breaker
    // open, half-open).
    expect(after.plan).toBe(2 * after.plans);
    expect(after.status).toBe(2 * 7);
    expect(said).toEqual([]);
    await tab.close();
  });
});
