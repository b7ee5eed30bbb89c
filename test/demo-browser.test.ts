// The demo page in a real Chromium (Debian's, driven by playwright-core): what a person sees when
// an operator declares an outage, when it ends, and when the status stream drops.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage, type DemoServer, startDemoServer } from '../examples/web/server.js';
import { chromiumAvailable, launchChromium } from './helpers/chromium.js';
import { root } from './helpers/packed.js';

const TOKEN = 'browser-test-token-0123456789';
const ARTIFACTS = join(root, 'test-artifacts');
/** A limit that only stops a hung test; nothing here measures time. */
const WAIT = 20_000;
const found = chromiumAvailable('test/demo-browser.test.ts');

/** Monday 9 April 2018, 11:00 in Paris: offices, 3639 and 3631 are open. */
const MONDAY_11 = Date.parse('2018-04-09T11:00:00+02:00');

describe.skipIf(!found)('the demo page in Chromium', () => {
  let pageDir: string;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let context: BrowserContext;
  let demo: DemoServer;
  let page: Page;

  const admin = (method: 'POST' | 'DELETE', path = '', body?: unknown) =>
    fetch(`${demo.url}/api/admin/outages${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const channelsShown = (op: string, which: 'open' | 'closed' = 'open') =>
    page.$$eval(`[data-operation="${op}"] li.alt.${which}[data-channel]`, (els) =>
      els.map((e) => e.getAttribute('data-channel')),
    );

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    pageDir = await buildPage(mkdtempSync(join(tmpdir(), 'secours-page-')));
    browser = await launchChromium({ viewport: { width: 1200, height: 900 } });
    context = browser.context;
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    if (pageDir) rmSync(pageDir, { recursive: true, force: true });
  });

  it('shows an outage declared through the admin endpoint, where to go, and when it ends', async () => {
    demo = await startDemoServer({ port: 0, replay: false, startAt: MONDAY_11, speed: 1, token: TOKEN, pageDir });
    page = await context.newPage();
    await page.goto(`${demo.url}/?lang=en`);
    await page.waitForSelector('#connection[data-live="true"]', { timeout: WAIT });
    expect(await page.textContent('#banner-status')).toBe('');
    expect(await channelsShown('stamp-purchase')).toContain('counter');

    const declared = await admin('POST', '', {
      id: 'browser-test-counters',
      systems: ['counter-it'],
      reason: { fr: 'Les guichets sont en panne.', en: 'Counter terminals are down in every post office.' },
    });
    expect(declared.status).toBe(201);

    const banner = await page.waitForSelector('#banner-status:has-text("Counter terminals are down")', {
      timeout: WAIT,
    });
    expect(await banner.getAttribute('role')).toBe('status');
    // Both languages, each marked as such.
    expect(await page.textContent('#banner-status [lang="fr"]')).toBe('Les guichets sont en panne.');

    // What works now for stamps: no counter; the postage machine, open at 11:00, comes first.
    await page.waitForFunction(
      () => !document.querySelector('[data-operation="stamp-purchase"] li[data-channel="counter"]'),
      undefined,
      { timeout: WAIT },
    );
    const shown = await channelsShown('stamp-purchase');
    const expected = demo.router
      .plan('stamp-purchase', { locale: 'en' })
      .alternatives.filter((a) => a.openNow)
      .map((a) => a.channel);
    expect(shown).toEqual(expected);
    expect(shown[0]).toBe('postage-machine');
    expect(shown).not.toContain('counter');
    expect(await page.textContent('[data-operation="stamp-purchase"] li[data-channel="postage-machine"] .hours')).toBe(
      'open until 12:00',
    );

    // Registered mail can only be picked up at a counter by this service: an alert for that task.
    await page.selectOption('#choose', 'registered-mail-pickup');
    const alert = await page.waitForSelector('#banner-alert:has-text("cannot be done the usual way")', {
      timeout: WAIT,
    });
    expect(await alert.getAttribute('role')).toBe('alert');

    // Online transfers down as well: trying one is referred, with 3639 as a phone link.
    expect(
      (
        await admin('POST', '', {
          id: 'browser-test-transfers',
          operations: ['transfer'],
          channels: ['app', 'web'],
          reason: { fr: 'Virements en ligne indisponibles.', en: 'Online transfers are unavailable.' },
        })
      ).status,
    ).toBe(201);
    await page.waitForSelector('[data-operation="transfer"][data-status="partial_outage"]', { timeout: WAIT });
    await page.click('#try-transfer');
    const result = await page.waitForSelector('[data-operation="transfer"] .result[data-kind="referred"]', {
      timeout: WAIT,
    });
    expect(await result.textContent()).toContain('Online transfers are unavailable.');
    const tel = await page.$('[data-operation="transfer"] .result a[href="tel:3639"]');
    expect(tel, 'a tel: link to 3639 in the referral').not.toBeNull();

    // A stamp purchase is served, by the postage machine rather than the counter.
    await page.click('#try-stamp-purchase');
    const served = await page.waitForSelector('[data-operation="stamp-purchase"] .result[data-kind="served"]', {
      timeout: WAIT,
    });
    expect(await served.textContent()).toContain('Self-service postage machine');
    await page.screenshot({ path: join(ARTIFACTS, 'demo-outage.png'), fullPage: true });

    // Both outages ended: the banners go.
    expect((await admin('DELETE', '/browser-test-counters')).status).toBe(200);
    expect((await admin('DELETE', '/browser-test-transfers')).status).toBe(200);
    await page.waitForSelector('#banner-status:empty', { state: 'attached', timeout: WAIT });
    await page.waitForSelector('#banner-alert:empty', { state: 'attached', timeout: WAIT });
    expect(await channelsShown('stamp-purchase')).toContain('counter');
  });

  it('says so when the status stream drops, and recovers', async () => {
    const port = new URL(demo.url).port;
    await demo.close();
    const notice = await page.waitForSelector('#connection[data-live="false"]:has-text("Live updates stopped")', {
      timeout: WAIT,
    });
    expect(await notice.textContent()).toMatch(/last received at \d{2}:\d{2}:\d{2}/);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-stream-dropped.png') });
    demo = await startDemoServer({
      port: Number(port),
      replay: false,
      startAt: MONDAY_11,
      speed: 1,
      token: TOKEN,
      pageDir,
    });
    await page.waitForSelector('#connection[data-live="true"]', { timeout: WAIT });
  });

  it('plays the 2018 replay: the operator’s declaration reaches the page, on a desktop and a phone', async () => {
    await demo.close();
    demo = await startDemoServer({ port: 0, speed: 1800, token: TOKEN, pageDir });
    const desktop = await context.newPage();
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await Promise.all([desktop.goto(`${demo.url}/?op=registered-mail-pickup`), phone.goto(`${demo.url}/`)]);
    for (const p of [desktop, phone]) {
      await p.waitForSelector('#banner-status:has-text("Les terminaux des guichets sont en panne")', {
        timeout: 60_000,
      });
      expect(await p.textContent('#scene-title')).toContain('9 avril 2018');
    }
    await desktop.waitForSelector('#banner-alert:not(:empty)', { state: 'attached', timeout: WAIT });
    await desktop.screenshot({ path: join(ARTIFACTS, 'demo-2018.png') });
    await phone.screenshot({ path: join(ARTIFACTS, 'demo-2018-phone.png') });
    await desktop.close();
    await phone.close();
  });
});
