import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// The README's example must run as printed: run it as a user would, in its own process.
it('the README quickstart runs and shows failover then a referral', async () => {
  const file = fileURLToPath(new URL('./quickstart.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const { stdout } = await promisify(execFile)(tsx, [file], { timeout: 60_000 });
  expect(stdout).toContain('served web (degraded: true)');
  const referral = JSON.parse(stdout.slice(stdout.indexOf('{')));
  expect(referral).toMatchObject({ kind: 'referred', code: 'outage', reason: 'Online banking is down.' });
  expect(referral.alternatives.map((a: { channel: string }) => a.channel)).toContain('phone-3639');
  expect(referral.alternatives.map((a: { channel: string }) => a.channel)).not.toContain('app');
});
