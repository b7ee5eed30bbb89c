// The HTML report of `secours simulate` in a real Chromium, on a phone and on a desktop: nothing
// wider than the screen, chart labels readable, statuses and outcomes told apart by more than
// colour, and a channel that is merely closed shown as closed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHtml } from '../src/testing/format-html.js';
import type { ScenarioReport } from '../src/testing/report.js';
import { runScenario } from '../src/testing/run-scenario.js';
import { scenarios } from '../src/testing/scenarios/index.js';
import { chromiumAvailable, launchChromium } from './helpers/chromium.js';
import { root } from './helpers/packed.js';

const ARTIFACTS = join(root, 'test-artifacts');
const found = chromiumAvailable('test/report-html.test.ts');

const LEGEND = [
  'operational',
  'degraded performance',
  'partial outage',
  'major outage',
  'under maintenance',
  'closed (opening hours)',
  'served, first route',
  'served, first route closed',
  'served, degraded',
  'referred',
  'uncertain',
];

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1200, height: 900 },
];

describe.skipIf(!found)('the HTML report in Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let context: BrowserContext;
  const reports = new Map<string, ScenarioReport>();

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const name of ['counters-2018-04-09', 'transfers-2022-09-15']) {
      reports.set(name, await runScenario(scenarios[name]));
    }
    browser = await launchChromium();
    context = browser.context;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  describe.each(SIZES)('at $width×$height ($name)', ({ name, width, height }) => {
    it.each(['counters-2018-04-09', 'transfers-2022-09-15'])(
      '%s: fits, reads, and says what each colour means',
      async (scenario) => {
        const page = await context.newPage();
        await page.setViewportSize({ width, height });
        await page.setContent(formatHtml(reports.get(scenario) as ScenarioReport));
        const seen = await page.evaluate(() => {
          const svg = document.querySelector('figure svg') as SVGSVGElement;
          const texts = [...svg.querySelectorAll('text')];
          // The size a reader sees: the text's font size in user units times the chart's scale.
          const sizes = texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM()?.a ?? 0));
          return {
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth,
            smallest: Math.min(...sizes),
            texts: texts.map((t) => t.textContent ?? ''),
            chartWidth: svg.getBoundingClientRect().width,
          };
        });
        await page.screenshot({ path: join(ARTIFACTS, `report-${scenario}-${name}.png`), fullPage: true });
        await page.close();
        expect(seen.scrollWidth, 'no horizontal scroll of the page').toBeLessThanOrEqual(seen.innerWidth);
        expect(seen.chartWidth).toBeLessThanOrEqual(seen.innerWidth);
        expect(seen.smallest, 'smallest chart label, in CSS px').toBeGreaterThanOrEqual(10);
        for (const label of LEGEND) expect(seen.texts).toContain(label);
      },
    );
  });

  it('draws the counter closed before 09:00, and counts people served elsewhere then as “first closed”', () => {
    const report = reports.get('counters-2018-04-09') as ScenarioReport;
    const html = formatHtml(report);
    expect(html).toMatch(
      /<rect [^>]*fill="#9e9e9e"><title>counter: closed \(opening hours\) from 08:00:00 to 09:00:00<\/title>/,
    );
    expect(html).toContain('Closed is not a failure: counter 08:00–09:00');
    const first = report.buckets[0];
    expect(first?.all.servedFirstClosed).toBeGreaterThan(0);
    expect(first?.all.servedDegraded, 'almost nobody degraded before the failure').toBeLessThan(
      (first?.all.servedFirstClosed ?? 0) / 10,
    );
  });

  it('never uses one colour for a status and an outcome', () => {
    const html = formatHtml(reports.get('counters-2018-04-09') as ScenarioReport);
    const fillsOf = (labels: string[]) =>
      new Set(
        labels.map(
          (l) => html.match(new RegExp(`fill="(#[0-9a-f]{6})"><title>${l.replace(/[()]/g, '\\$&')}</title>`))?.[1],
        ),
      );
    const status = fillsOf(LEGEND.slice(0, 6));
    const outcome = fillsOf(LEGEND.slice(6));
    expect(status.size).toBe(6);
    expect(outcome.size).toBe(5);
    expect([...status].filter((c) => outcome.has(c))).toEqual([]);
  });
});
