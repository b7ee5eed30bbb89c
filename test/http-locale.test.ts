// The language of an answer, over real HTTP on loopback: problem details chosen from the
// request's Accept-Language say so in Content-Language and Vary; the handlers' own refusals,
// English, say `en`; the status JSON, the same in every language, says nothing of it.
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { negotiateLocale, problemResponse, statusHandler, toProblem } from '../src/http/index.js';
import { toNodeListener } from '../src/http/node-adapter.js';
import { de } from '../src/i18n/de.js';
import { createRouter, LOCALES } from '../src/index.js';
import { laPoste } from '../src/presets/la-poste.js';
import { configError } from './helpers/config-error.js';
import { type Served, serve } from './helpers/serve.js';

const router = createRouter({ catalog: laPoste });
const status = statusHandler(router);
let server: Served;

/** How a service answers a transfer it cannot do: negotiated once, for `execute` and the title. */
const transfer = toNodeListener(async (request) => {
  const explicit = new URL(request.url).searchParams.get('locale');
  const locale = explicit === 'en' || explicit === 'fr' ? explicit : negotiateLocale(request, LOCALES);
  const outcome = await router.execute('transfer', {}, { locale });
  if (outcome.kind === 'served') return Response.json(outcome.value);
  // `?by-request`: the title negotiated by problemResponse itself, from the request.
  if (new URL(request.url).searchParams.has('by-request')) return problemResponse(outcome, { request });
  if (explicit) return problemResponse(outcome, { locale });
  return problemResponse(outcome, { locale, request });
});
const failing = toNodeListener(async () => {
  throw new Error('boom');
});

beforeAll(async () => {
  router.declareOutage({
    id: 'ob',
    systems: ['online-banking'],
    reason: { fr: 'La banque en ligne est en panne.', en: 'Online banking is down.' },
  });
  const feed = toNodeListener(status);
  server = await serve((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/status') return feed(req, res);
    if (path === '/transfer') return transfer(req, res);
    return failing(req, res);
  });
});

afterAll(async () => {
  status.close();
  await server.close();
  router.dispose();
});

const post = (query: string, acceptLanguage?: string) =>
  fetch(`${server.url}/transfer${query}`, {
    method: 'POST',
    headers: acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage },
  });

describe('problem details in the request’s language', () => {
  it('en-GB,en;q=0.9,fr;q=0.8: English, and it says so', async () => {
    const res = await post('', 'en-GB,en;q=0.9,fr;q=0.8');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-language')).toBe('en');
    expect(res.headers.get('vary')).toBe('accept-language');
    const problem = await res.json();
    expect(problem).toMatchObject({ title: 'Service interrupted', detail: 'Online banking is down.' });
  });

  it('fr-CA, de;q=0.9: French', async () => {
    const res = await post('', 'fr-CA, de;q=0.9');
    expect(res.headers.get('content-language')).toBe('fr');
    expect(await res.json()).toMatchObject({ title: 'Service interrompu', detail: 'La banque en ligne est en panne.' });
  });

  it('no header, or garbage: French, the default, and still Vary (the answer depends on the header)', async () => {
    // No header at all: undici's fetch sends `*` then.
    for (const header of [undefined, '', 'x'.repeat(8000), `${','.repeat(5000)}en`, 'en;q=nope, *;q=-1']) {
      const res = await post('', header);
      expect(res.status, String(header).slice(0, 20)).toBe(503);
      expect(res.headers.get('content-language')).toBe('fr');
      expect(res.headers.get('vary')).toBe('accept-language');
      expect((await res.json()).title).toBe('Service interrompu');
    }
  });

  it('problemResponse({ request }) negotiates by itself when no locale is given', async () => {
    const res = await post('?by-request', 'de-DE, en;q=0.5');
    expect(res.headers.get('content-language')).toBe('en');
    expect(res.headers.get('vary')).toBe('accept-language');
    expect((await res.json()).title).toBe('Service interrupted');
  });

  it('a locale the caller chose, not from the request: Content-Language, no Vary', async () => {
    const res = await post('?locale=en', 'fr');
    expect(res.headers.get('content-language')).toBe('en');
    expect(res.headers.get('vary')).toBeNull();
    expect((await res.json()).title).toBe('Service interrupted');
  });
});

describe('the language of the other answers', () => {
  it("the status handler's own refusals are English and say so", async () => {
    const res = await fetch(`${server.url}/status`, { method: 'POST', headers: { 'accept-language': 'fr' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('content-language')).toBe('en');
    expect((await res.json()).title).toBe('Method Not Allowed');
  });

  it('the status JSON is the same in every language: no Content-Language, no Vary on it', async () => {
    const res = await fetch(`${server.url}/status`, { headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-language')).toBeNull();
    expect(res.headers.get('vary')).toBe('accept');
    // Both languages are in it, as the operator wrote them.
    expect((await res.json()).outages[0].reason).toEqual({
      fr: 'La banque en ligne est en panne.',
      en: 'Online banking is down.',
    });
  });

  it("the node adapter's bare 500 is English and says so", async () => {
    const res = await fetch(`${server.url}/boom`, { headers: { 'accept-language': 'fr' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-language')).toBe('en');
  });
});

describe('toProblem', () => {
  it('takes { request } or { acceptLanguage } too', async () => {
    const outcome = await router.execute('transfer', {}, { locale: 'en' });
    if (outcome.kind === 'served') throw new Error('expected referred');
    const request = new Request('http://x/', { headers: { 'accept-language': 'en-US' } });
    expect(toProblem(outcome, { request }).title).toBe('Service interrupted');
    expect(toProblem(outcome, { acceptLanguage: 'en;q=0.5, fr' }).title).toBe('Service interrompu');
    expect(toProblem(outcome, { acceptLanguage: 'en', request }).title).toBe('Service interrupted');
    expect(toProblem(outcome, { locale: 'fr', request }).title).toBe('Service interrompu');
    expect(toProblem(outcome, {}).title).toBe('Service interrompu');
    // A tag without words of its own: its language, else the default.
    expect(toProblem(outcome, { locale: 'en-GB' as never }).title).toBe('Service interrupted');
    expect(problemResponse(outcome, { locale: 'en-GB' as never }).headers.get('content-language')).toBe('en');
    expect(problemResponse(outcome, { locale: 'de' as never }).headers.get('content-language')).toBe('fr');
  });

  it('negotiates over the locales `messages` gives titles in, and Content-Language names the one used', async () => {
    const outcome = await router.execute('transfer', {}, { locale: 'de' });
    if (outcome.kind === 'served') throw new Error('expected referred');
    const messages = { de };
    const response = problemResponse(outcome, { acceptLanguage: 'de-AT, en;q=0.5', messages });
    expect(response.headers.get('content-language')).toBe('de');
    expect(((await response.json()) as { title: string }).title).toBe(de.titleOutage);
    expect(toProblem(outcome, { locale: 'de-CH', messages }).title).toBe(de.titleOutage);
    // A catalogue without this title is not offered: English is the best the person reads.
    const noTitles = { de: { unavailable: de.unavailable } };
    const partial = problemResponse(outcome, { acceptLanguage: 'de-AT, en;q=0.5', messages: noTitles });
    expect(partial.headers.get('content-language')).toBe('en');
    expect(((await partial.json()) as { title: string }).title).toBe('Service interrupted');
  });

  it('a locale that is not a string is a ConfigError with its path, not French in silence', async () => {
    const outcome = await router.execute('transfer', {}, { locale: 'en' });
    if (outcome.kind === 'served') throw new Error('expected referred');
    for (const wrong of [123, null, { en: true }]) {
      expect(configError(() => problemResponse(outcome, { locale: wrong as never })).issues[0]?.path).toBe(
        'options.locale',
      );
      expect(configError(() => toProblem(outcome, { locale: wrong as never })).issues[0]?.path).toBe('options.locale');
    }
  });
});

describe('behind a middleware that varies too (cors, Express res.vary)', () => {
  it("keeps the middleware's `Vary: Origin` next to `Accept-Language`", async () => {
    const app = express();
    app.use((req, res, next) => {
      res.vary('Origin');
      res.setHeader('access-control-allow-origin', req.get('origin') ?? '*');
      next();
    });
    app.get(
      '/problem',
      toNodeListener(async (request) => {
        const outcome = await router.execute('transfer', {}, { locale: negotiateLocale(request, LOCALES) });
        if (outcome.kind === 'served') return Response.json(outcome.value);
        return problemResponse(outcome, { request });
      }),
    );
    app.get('/status', toNodeListener(status));
    const served = await serve(app);
    try {
      const headers = { origin: 'https://a.example', 'accept-language': 'en' };
      const problem = await fetch(`${served.url}/problem`, { headers });
      expect(problem.status).toBe(503);
      expect(problem.headers.get('access-control-allow-origin')).toBe('https://a.example');
      // Without Origin, a shared cache would serve a.example's answer (and its CORS grant) to b.example.
      expect(problem.headers.get('vary')).toBe('Origin, accept-language');
      expect(problem.headers.get('content-language')).toBe('en');
      await problem.body?.cancel();
      const feed = await fetch(`${served.url}/status`, { headers });
      expect(feed.headers.get('vary')).toBe('Origin, accept');
      await feed.body?.cancel();
    } finally {
      await served.close();
    }
  });
});
