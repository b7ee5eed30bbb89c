// Debian's Chromium for the suites that need a real browser: skipped loudly when it is missing,
// and failing instead under CI=true, as the demo and report suites do.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type BrowserContextOptions, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** True when the suite can run; false (with a loud warning) to skip it; throws in CI. */
export function chromiumAvailable(suite: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  const why = `${CHROMIUM} not found: ${suite} cannot run (Debian package \`chromium\`)`;
  if (process.env.CI === 'true') throw new Error(`${why}. CI must install it.`);
  console.warn(`\n⚠ SKIPPED ${suite}: ${why}.\n`);
  return false;
}

/** A fresh persistent context in its own profile directory; `close()` removes it. */
export async function launchChromium(
  options: Pick<BrowserContextOptions, 'viewport'> = {},
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userData = mkdtempSync(join(tmpdir(), 'secours-chromium-'));
  const context = await chromium.launchPersistentContext(userData, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userData, { recursive: true, force: true });
    },
  };
}
