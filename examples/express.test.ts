// The Express example, served on loopback: the README's backend section, working.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sseReader } from '../test/helpers/serve.js';
import { createApp } from './express.js';

const TOKEN = 'express-example-token-0123';
let base: string;
let server: ReturnType<ReturnType<typeof createApp>['app']['listen']>;
let close: () => void;

beforeAll(async () => {
  const made = createApp(TOKEN);
  close = made.close;
  await new Promise<void>((resolve) => {
    server = made.app.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const transfer = (acceptLanguage = 'en-GB') =>
  fetch(`${base}/transfers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': acceptLanguage, 'idempotency-key': 'k-1' },
    body: JSON.stringify({ to: 'FR76 3000', amount: 50 }),
  });

it('serves a transfer by failing over, through express.json() and the adapter', async () => {
  const res = await transfer();
  expect(res.status).toBe(201);
  expect(await res.json()).toEqual({ id: 'tr-k-1', to: 'FR76 3000', amount: 50 });
});

it('declares an outage through /admin/outages, streams it on /status, answers 503 problem details', async () => {
  const stream = sseReader(await fetch(`${base}/status`, { headers: { accept: 'text/event-stream' } }));
  const first = await stream.next();
  const declared = await fetch(`${base}/admin/outages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 'ob-1',
      systems: ['online-banking'],
      reason: { fr: 'Banque en ligne en panne.', en: 'Online banking is down.' },
    }),
  });
  expect(declared.status).toBe(201);
  expect(declared.headers.get('location')).toBe('/admin/outages/ob-1');
  const next = await stream.next();
  expect(JSON.parse(next.data).version).toBeGreaterThan(JSON.parse(first.data).version);
  expect(next.id).not.toBe(first.id);
  expect(JSON.parse(next.data).outages.map((o: { id: string }) => o.id)).toEqual(['ob-1']);
  await stream.cancel();

  const res = await transfer();
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const problem = await res.json();
  expect(problem).toMatchObject({ status: 503, code: 'outage', detail: 'Online banking is down.' });
  expect(problem.alternatives.map((a: { channel: string }) => a.channel)).toContain('phone-3639');
  // In the language the request asked for, and saying which.
  expect(res.headers.get('content-language')).toBe('en');
  expect(res.headers.get('vary')).toBe('accept-language');
  expect(problem.title).toBe('Service interrupted');
  const french = await transfer('fr-CA, en;q=0.5');
  expect(french.headers.get('content-language')).toBe('fr');
  expect(await french.json()).toMatchObject({ title: 'Service interrompu', detail: 'Banque en ligne en panne.' });

  const ended = await fetch(`${base}/admin/outages/ob-1`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(ended.status).toBe(200);
  expect((await transfer()).status).toBe(201);
});
