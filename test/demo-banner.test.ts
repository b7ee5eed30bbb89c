// The demo page's status banner in a real Chromium, held against the server router's own
// snapshot at several moments of both replays: what it names as not working is down, what it
// names as still possible is available, and nothing down goes unnamed.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { paris } from '../examples/demo/timeline.js';
import { bannerModel } from '../examples/web/banner.js';
import { buildPage, type DemoServer, startDemoServer } from '../examples/web/server.js';
import type { Snapshot } from '../src/index.js';
import { laPoste } from '../src/presets/la-poste.js';
import { chromiumAvailable, launchChromium } from './helpers/chromium.js';
import { root } from './helpers/packed.js';

const ARTIFACTS = join(root, 'test-artifacts');
/** Limits that only stop a hung test; nothing here measures time. */
const WAIT = 20_000;
const found = chromiumAvailable('test/demo-banner.test.ts');

interface Shown {
  version: string;
  text: string;
  notWorking: { channel: string; operations: string[] }[];
  stillWorking: { operation: string; channels: string[] }[];
  allUsual: boolean;
}

function readBanner(page: Page): Promise<Shown> {
  return page.$eval('#banner-status', (el) => {
    const words = (s: string | null) => (s ? s.split(' ') : []);
    return {
      version: (el as HTMLElement).dataset.version ?? '',
      text: el.textContent ?? '',
      notWorking: [...el.querySelectorAll('.not-working li')].map((li) => ({
        channel: li.getAttribute('data-channel') ?? '',
        operations: words(li.getAttribute('data-operations')),
      })),
      stillWorking: [...el.querySelectorAll('.still-working li')].map((li) => ({
        operation: li.getAttribute('data-operation') ?? '',
        channels: words(li.getAttribute('data-channels')),
      })),
      allUsual: el.querySelector('p.still-working') !== null,
    };
  });
}

type Ops = Record<string, { status: string; available: readonly string[] }>;
type Chs = Record<string, { status: string }>;
const routesOf = (op: string) =>
  (laPoste.operations as Record<string, { routes: readonly { channel: string }[] }>)[op]?.routes.map(
    (r) => r.channel,
  ) ?? [];

/**
 * The banner's promises, checked against the server's snapshot without the page's own code:
 * a channel named as not working has a route down (or is down); a channel named as still
 * possible for a task is available for it; every channel down is named, and every task that
 * lost its first route says where else it can be done.
 */
function expectTruthful(shown: Shown, s: Snapshot, exclude: readonly string[] = []): void {
  const ops = s.operations as Ops;
  const chs = s.channels as Chs;
  for (const n of shown.notWorking) {
    if (n.operations.length === 0) {
      const all = Object.keys(ops).filter((op) => routesOf(op).includes(n.channel));
      const wholeDown = chs[n.channel]?.status !== 'operational';
      expect(wholeDown || all.every((op) => !ops[op]?.available.includes(n.channel)), n.channel).toBe(true);
    }
    for (const op of n.operations)
      expect(ops[op]?.available, `${n.channel} named down for ${op}`).not.toContain(n.channel);
  }
  const named = new Set(shown.notWorking.map((n) => n.channel));
  for (const [ch, c] of Object.entries(chs)) {
    if (exclude.includes(ch)) continue;
    const routeDown = Object.keys(ops).some((op) => routesOf(op).includes(ch) && !ops[op]?.available.includes(ch));
    if (c.status !== 'operational' || routeDown) expect([...named], `${ch} is down: named`).toContain(ch);
  }
  expect(named.size, 'no excluded channel named').toBe(
    shown.notWorking.filter((n) => !exclude.includes(n.channel)).length,
  );
  const lost = Object.entries(ops)
    .filter(([op, o]) => o.status !== 'operational' && !exclude.includes(routesOf(op)[0] ?? ''))
    .map(([op]) => op);
  expect(shown.stillWorking.map((w) => w.operation).sort()).toEqual(lost.sort());
  for (const w of shown.stillWorking) {
    expect(w.channels, w.operation).toEqual(
      routesOf(w.operation).filter((ch) => ops[w.operation]?.available.includes(ch) && !exclude.includes(ch)),
    );
  }
}

describe.skipIf(!found)('the demo banner against the server’s snapshot', () => {
  let pageDir: string;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let context: BrowserContext;
  let demo: DemoServer;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    pageDir = await buildPage(mkdtempSync(join(tmpdir(), 'secours-page-')));
    browser = await launchChromium({ viewport: { width: 1200, height: 900 } });
    context = browser.context;
  });

  /** A fresh server and page for each replay: breakers opened in one do not linger into the next. */
  async function open() {
    await page?.close();
    await demo?.close();
    // Virtual time at the pace of real time: each moment below holds still while it is checked.
    demo = await startDemoServer({ port: 0, speed: 1, pageDir });
    page = await context.newPage();
    await page.goto(`${demo.url}/?lang=en`);
    await page.waitForSelector('#connection[data-live="true"]', { timeout: WAIT });
  }

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    if (pageDir) rmSync(pageDir, { recursive: true, force: true });
  });

  /** Moves the replay, waits until the server's router shows `ready`, then for the page to show that snapshot. */
  async function at(local: string, ready: (s: Snapshot) => boolean, exclude: readonly string[] = []) {
    demo.seek(paris(local));
    await vi.waitFor(() => expect(ready(demo.router.getSnapshot())).toBe(true), { timeout: WAIT, interval: 50 });
    // The page may still show an older snapshot, or the server may move on (a breaker opening):
    // read both until they agree, a bounded number of times.
    for (let i = 0; i < 20; i++) {
      const s = demo.router.getSnapshot();
      await page.waitForFunction(
        (v) => Number(document.getElementById('banner-status')?.dataset.version) >= v,
        s.version,
        {
          timeout: WAIT,
        },
      );
      const shown = await readBanner(page);
      if (Object.is(s, demo.router.getSnapshot()) && shown.version === String(s.version)) {
        expectTruthful(shown, s, exclude);
        // And the page draws what the model says of that snapshot, in the page's own words.
        const model = bannerModel(s, laPoste, exclude);
        expect({ notWorking: shown.notWorking, stillWorking: shown.stillWorking }).toEqual(
          JSON.parse(JSON.stringify(model)),
        );
        return { shown, s };
      }
    }
    throw new Error(`the page never caught up with the server at ${local}`);
  }

  const channelStatus = (s: Snapshot, ch: string) => (s.channels as Chs)[ch]?.status;
  const label = (ch: string) =>
    (laPoste.channels as unknown as Record<string, { label: { en: string } }>)[ch]?.label.en ?? ch;

  it('9 April 2018: nothing before opening, then the counter named as not working, never as working', async () => {
    await open();
    const before = await at('2018-04-09T08:30', () => true);
    expect(before.shown.text).toBe('');

    const failing = await at('2018-04-09T09:45', (s) => channelStatus(s, 'counter') !== 'operational');
    expect(failing.shown.notWorking.map((n) => n.channel)).toEqual(['counter']);
    const stamps = failing.shown.stillWorking.find((w) => w.operation === 'stamp-purchase');
    expect(stamps?.channels).toContain('postage-machine');
    expect(stamps?.channels).not.toContain('counter');
    expect(failing.shown.text).toContain(`Not working right now:${label('counter')}`);
    expect(failing.shown.text).not.toContain('Working another way');
    await page.screenshot({ path: join(ARTIFACTS, 'banner-2018-failing.png') });

    const declared = await at('2018-04-09T11:00', (s) => channelStatus(s, 'counter') === 'major_outage');
    expect(declared.shown.notWorking).toEqual([{ channel: 'counter', operations: [] }]);
    expect(declared.shown.text).toContain('Counter terminals have been down in every post office');

    await at('2018-04-09T15:30', (s) => s.outages.length === 0);
  });

  it('15–16 September 2022: the app and the website named as not working for transfers, 3639 and the counter as where to go', async () => {
    await open();
    const exclude = ['wero'];
    const failing = await at(
      '2022-09-15T09:45',
      (s) => ['app', 'web'].every((ch) => !(s.operations as Ops).transfer?.available.includes(ch)),
      exclude,
    );
    const down = new Map(failing.shown.notWorking.map((n) => [n.channel, n.operations]));
    expect(down.get('app')).toContain('transfer');
    expect(down.get('web')).toContain('transfer');
    expect(down.has('counter')).toBe(false);
    expect(failing.shown.stillWorking.find((w) => w.operation === 'transfer')?.channels).toEqual([
      'phone-3639',
      'counter',
    ]);
    expect(failing.shown.text).not.toContain('Working another way');
    expect(failing.shown.text).not.toContain('Wero');
    await page.screenshot({ path: join(ARTIFACTS, 'banner-2022-failing.png') });

    const declared = await at('2022-09-15T10:30', (s) => s.outages.length > 0, exclude);
    for (const ch of ['app', 'web']) {
      const n = declared.shown.notWorking.find((x) => x.channel === ch);
      expect(n?.operations).toEqual(expect.arrayContaining(['transfer', 'card-block']));
    }
    expect(declared.shown.stillWorking.find((w) => w.operation === 'card-block')?.channels).toEqual([
      'card-block-line',
      'phone-3639',
      'counter',
    ]);
    expect(declared.shown.text).toContain('Call 3639 or go to a post office');

    await at('2022-09-16T16:30', (s) => s.outages.length > 0, exclude);
    const ended = await at('2022-09-16T17:45', (s) => s.outages.length === 0, exclude);
    expect(ended.shown.text).not.toContain('Call 3639 or go to a post office');
  });
});
