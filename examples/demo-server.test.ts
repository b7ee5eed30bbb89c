// `npm run demo` as a person runs it: a process that prints where to go, takes another port when
// the one asked for is busy, serves the page and the feed, and exits cleanly on SIGTERM/SIGINT.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
const script = fileURLToPath(new URL('./demo-server.ts', import.meta.url));
const TOKEN = 'demo-server-test-token-0123';

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; url: Promise<string> } {
  const child = spawn(tsx, [script, '--speed', '60'], { env: { ...process.env, ...env }, stdio: 'pipe' });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Open (http:\/\/\S+?)\/\s/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`the demo exited (${code}) before printing its address:\n${out}`)));
  });
  return { child, output: () => out, url };
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

it('takes a free port when its own is busy, serves, and exits 0 on SIGTERM', async () => {
  // Hold a port so the demo finds it busy.
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const busy = (blocker.address() as { port: number }).port;
  const demo = start({ PORT: String(busy), SECOURS_ADMIN_TOKEN: TOKEN });
  try {
    const url = await demo.url;
    expect(demo.output()).toContain(`Port ${busy} is busy`);
    expect(new URL(url).port).not.toBe(String(busy));
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="banner-status"');
    const status = await fetch(`${url}/api/status`);
    expect(status.status).toBe(200);
    expect((await status.json()).operations.transfer).toBeDefined();
    // The operator's token holds on the other port too; an answer is in the person's language.
    const declared = await fetch(`${url}/api/admin/outages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'lang', systems: ['online-banking'], reason: { fr: 'En panne.', en: 'Down.' } }),
    });
    expect(declared.status).toBe(201);
    const execute = (body: object, acceptLanguage: string) =>
      fetch(`${url}/api/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': acceptLanguage },
        body: JSON.stringify(body),
      });
    const english = await execute({ operation: 'transfer' }, 'en-GB,en;q=0.9,fr;q=0.8');
    expect(english.status).toBe(503);
    expect(english.headers.get('content-language')).toBe('en');
    expect(english.headers.get('vary')).toBe('accept-language');
    expect((await english.json()).detail).toBe('Down.');
    // The language picked on the page wins over the browser's.
    const picked = await execute({ operation: 'transfer', locale: 'fr' }, 'en');
    expect(picked.headers.get('content-language')).toBe('fr');
    expect((await picked.json()).detail).toBe('En panne.');
    expect(picked.headers.get('vary')).toBeNull();
    // Its own refusal is English whatever the browser asked, and says so.
    const unknown = await execute({ operation: 'nope' }, 'fr');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-language')).toBe('en');
    expect((await unknown.json()).title).toBe('Bad Request');
    const exit = exited(demo.child);
    demo.child.kill('SIGTERM');
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(demo.output()).toContain('SIGTERM: stopping the demo server');
  } finally {
    demo.child.kill('SIGKILL');
    blocker.close();
  }
});

it('exits 0 on SIGINT (Ctrl+C)', async () => {
  const demo = start({ PORT: '0' });
  try {
    await demo.url;
    const exit = exited(demo.child);
    demo.child.kill('SIGINT');
    expect(await exit).toEqual({ code: 0, signal: null });
  } finally {
    demo.child.kill('SIGKILL');
  }
});
