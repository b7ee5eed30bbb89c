// secours/http against a real server on loopback: problem details, the status feed (JSON with
// ETag, Server-Sent Events with resumption), the admin endpoint, and the node:http adapter.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminHandler, connectStatus, problemResponse, statusHandler, toProblem } from '../src/http/index.js';
import { toNodeListener } from '../src/http/node-adapter.js';
import { createRouter, defineCatalog, type Snapshot } from '../src/index.js';
import { laPoste } from '../src/presets/la-poste.js';
import { configError } from './helpers/config-error.js';
import { type Served, serve, sseReader } from './helpers/serve.js';

const TOKEN = 'test-token-0123456789abcdef';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: { fr: "l'appli", en: 'the app' } },
    web: { kind: 'digital', label: { fr: 'le site', en: 'the website' } },
    phone: { kind: 'phone', label: { fr: 'le 3639', en: '3639' }, contact: { phone: '3639' } },
  },
  operations: {
    transfer: {
      label: { fr: 'Virement', en: 'Transfer' },
      routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone', instructions: { en: 'Call 3639.' } }],
    },
  },
});

function makeRouter() {
  return createRouter({
    catalog,
    handlers: {
      transfer: {
        // An internal detail that must never reach a response.
        app: async (input: { fail?: boolean }) => {
          if (input.fail) throw new Error('connect ECONNREFUSED db-7.internal:5432');
          return { ok: true };
        },
        web: async () => ({ ok: true }),
      },
    },
  });
}

type TestRouter = ReturnType<typeof makeRouter>;
let router: TestRouter;
let status: ReturnType<typeof statusHandler>;
let server: Served;

/** Routes by path prefix, as an application would mount the handlers. */
async function start(options: Parameters<typeof statusHandler>[1] = {}) {
  router = makeRouter();
  status = statusHandler(router, options);
  const admin = adminHandler(router, { token: TOKEN, maxBodyBytes: 1024 });
  const execute = async (request: Request) => {
    const body = (await request.json()) as { fail?: boolean; locale?: 'fr' | 'en' };
    const outcome = await router.execute('transfer', body, { locale: body.locale ?? 'en' });
    if (outcome.kind === 'served') return Response.json({ kind: 'served', channel: outcome.channel });
    return problemResponse(outcome, { locale: 'en', instance: '/transfer' });
  };
  const listeners = {
    status: toNodeListener(status),
    admin: toNodeListener(admin),
    execute: toNodeListener(execute),
  };
  server = await serve((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/status')) return listeners.status(req, res);
    if (url.startsWith('/admin/outages')) return listeners.admin(req, res);
    if (url.startsWith('/transfer')) return listeners.execute(req, res);
    res.writeHead(404).end();
  });
}

async function stop() {
  status?.close();
  await server?.close();
  router?.dispose();
}

const declare = (body: unknown, token = TOKEN) =>
  fetch(`${server.url}/admin/outages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Waits for a condition a server reaches on its own; the limit only stops a hung test. */
async function until(check: () => boolean, what: string, limitMs = 10_000) {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`still waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('problem details', () => {
  beforeAll(() => start());
  afterAll(stop);

  it('answers a referred outcome with a 503, the alternatives and Retry-After', async () => {
    const until = new Date(Date.now() + 90_000).toISOString();
    router.declareOutage({ channels: ['app', 'web'], reason: { fr: 'Panne.', en: 'Online banking is down.' }, until });
    const res = await fetch(`${server.url}/transfer`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(90);
    const body = await res.json();
    expect(body).toEqual({
      type: 'urn:secours:problem:referred:outage',
      title: 'Service interrupted',
      status: 503,
      detail: 'Online banking is down.',
      instance: '/transfer',
      operation: 'transfer',
      code: 'outage',
      retryAfter: until,
      alternatives: [
        {
          channel: 'phone',
          kind: 'phone',
          label: '3639',
          instructions: 'Call 3639.',
          contact: { phone: '3639' },
          status: 'operational',
          openNow: true,
        },
      ],
    });
    for (const o of router.getSnapshot().outages) router.endOutage(o.id);
  });

  it('answers an uncertain outcome with a 504 that says to check, and nothing internal', async () => {
    const res = await fetch(`${server.url}/transfer`, { method: 'POST', body: JSON.stringify({ fail: true }) });
    expect(res.status).toBe(504);
    expect(res.headers.get('retry-after')).toBeNull();
    const text = await res.text();
    expect(text).not.toMatch(/ECONNREFUSED|db-7|5432|stack|attempts/);
    const body = JSON.parse(text);
    expect(body).toMatchObject({
      type: 'urn:secours:problem:uncertain',
      title: 'Outcome uncertain: check before retrying',
      status: 504,
      operation: 'transfer',
    });
    expect(body.reference).toMatch(/\S/);
    expect(body.detail).toContain('Check before trying again');
    expect(body.detail).toContain(body.reference);
  });

  it('titles problems in the locale asked for and refuses a served outcome', async () => {
    const outcome = await router.execute('transfer', { fail: true }, { locale: 'fr' });
    if (outcome.kind === 'served') throw new Error('expected uncertain');
    const problem = toProblem(outcome, { locale: 'fr' });
    expect(problem.title).toBe('Issue incertaine : vérifiez avant de réessayer');
    expect(problem.detail).toContain('Vérifiez avant de réessayer');
    const served = await router.execute('transfer', {}, {});
    const error = configError(() => toProblem(served as never));
    expect(error.issues[0]?.path).toBe('outcome.kind');
  });
});

describe('status as JSON', () => {
  beforeAll(() => start());
  afterAll(stop);

  it('sends the snapshot with an ETag, 304 on a match, a new ETag after a change', async () => {
    const first = await fetch(`${server.url}/status`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const snapshot = (await first.json()) as Snapshot;
    expect(snapshot.version).toBe(router.getSnapshot().version);
    expect(snapshot.operations.transfer?.available).toEqual(['app', 'web', 'phone']);

    const again = await fetch(`${server.url}/status`, { headers: { 'if-none-match': etag as string } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    router.declareOutage({ channels: ['app'], reason: 'down' });
    const changed = await fetch(`${server.url}/status`, { headers: { 'if-none-match': etag as string } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as Snapshot).operations.transfer?.available).toEqual(['web', 'phone']);
  });

  it('refuses other methods with 405 and Allow', async () => {
    const res = await fetch(`${server.url}/status`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('status as Server-Sent Events', () => {
  beforeAll(() => start({ heartbeatMs: 50 }));
  afterAll(stop);
  const opened: { cancel(): Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.cancel();
  });

  const open = async (headers: Record<string, string> = {}, query = '') => {
    const res = await fetch(`${server.url}/status${query}`, { headers: { accept: 'text/event-stream', ...headers } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = sseReader(res);
    opened.push(reader);
    return reader;
  };

  /** `<instance>-<version>`: the version, and a tag that tells this server process from another. */
  const idParts = (id: string | undefined) => {
    const match = /^([0-9a-z]+)-(\d+)$/.exec(id ?? '');
    if (!match) throw new Error(`expected an event id <instance>-<version>, got ${id}`);
    return { instance: match[1] as string, version: Number(match[2]) };
  };

  it('sends the current snapshot, then each change, ids carrying the version', async () => {
    const stream = await open();
    const first = await stream.next();
    expect(idParts(first.id).version).toBe(router.getSnapshot().version);
    expect(JSON.parse(first.data)).toEqual(JSON.parse(JSON.stringify(router.getSnapshot())));
    const outage = router.declareOutage({ channels: ['web'], reason: 'web down' });
    const second = await stream.next();
    expect(idParts(second.id)).toEqual({ ...idParts(first.id), version: idParts(first.id).version + 1 });
    expect((JSON.parse(second.data) as Snapshot).outages.map((o) => o.id)).toEqual([outage.id]);
    router.endOutage(outage.id);
  });

  it('sends heartbeats', async () => {
    const stream = await open();
    const ping = await stream.next('ping');
    expect(ping.id).toBeUndefined();
  });

  it('resumes with Last-Event-ID: nothing repeated when up to date, the latest when behind', async () => {
    const probe = await open();
    const currentId = (await probe.next()).id as string;
    const { instance, version: current } = idParts(currentId);
    const upToDate = await open({ 'last-event-id': currentId });
    const viaQuery = await open({}, `?lastEventId=${currentId}`);
    const behind = await open({ 'last-event-id': `${instance}-${current - 1}` });
    // An id from another server process (a restart) never counts as up to date, even with the same version.
    const otherProcess = await open({ 'last-event-id': `zz${instance}-${current}` });
    expect((await behind.next()).id).toBe(currentId);
    expect((await otherProcess.next()).id).toBe(currentId);
    router.declareOutage({ channels: ['app'], reason: 'app down' });
    // The first snapshot these streams get is the new one: the one they had was not sent again.
    const next = `${instance}-${current + 1}`;
    expect((await upToDate.next()).id).toBe(next);
    expect((await viaQuery.next()).id).toBe(next);
    expect((await behind.next()).id).toBe(next);
  });

  it('serialises each snapshot once however many streams are open', async () => {
    let serialised = 0;
    const counted = new WeakMap<Snapshot, Snapshot>();
    const source = {
      getSnapshot: () => {
        const s = router.getSnapshot();
        let c = counted.get(s);
        if (!c) {
          c = Object.assign(Object.create(null), s, {
            toJSON: () => {
              serialised++;
              return s;
            },
          }) as Snapshot;
          counted.set(s, c);
        }
        return c;
      },
      subscribe: router.subscribe,
    };
    const shared = statusHandler(source);
    const local = await serve(toNodeListener(shared));
    try {
      const streams = await Promise.all(
        Array.from({ length: 5 }, async () => {
          const res = await fetch(local.url, { headers: { accept: 'text/event-stream' } });
          const s = sseReader(res);
          opened.push(s);
          await s.next();
          return s;
        }),
      );
      expect(serialised).toBe(1);
      router.declareOutage({ channels: ['phone'], reason: 'phone down' });
      await Promise.all(streams.map((s) => s.next()));
      expect(serialised).toBe(2);
    } finally {
      shared.close();
      await local.close();
    }
  });

  it('forgets a stream when its client goes away', async () => {
    const before = status.clients;
    const stream = await open();
    await stream.next();
    expect(status.clients).toBe(before + 1);
    await stream.cancel();
    await until(() => status.clients === before, 'the server to notice the client left');
  });
});

describe('admin endpoint', () => {
  beforeAll(() => start());
  afterAll(stop);

  it('refuses a missing or wrong token with 401', async () => {
    const none = await fetch(`${server.url}/admin/outages`, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="secours"');
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    const wrong = await declare({ channels: ['app'], reason: 'x' }, `${TOKEN}x`);
    expect(wrong.status).toBe(401);
    const prefix = await declare({ channels: ['app'], reason: 'x' }, TOKEN.slice(0, -1));
    expect(prefix.status).toBe(401);
    expect(router.getSnapshot().outages).toEqual([]);
  });

  it('declares an outage (201, Location) and ends it (200, then 404)', async () => {
    const res = await declare({ id: 'inc-42', channels: ['app'], reason: { fr: 'Appli en panne.', en: 'App down.' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/admin/outages/inc-42');
    const outage = await res.json();
    expect(outage).toMatchObject({ id: 'inc-42', channels: ['app'], kind: 'outage' });
    expect(router.getSnapshot().outages.map((o) => o.id)).toEqual(['inc-42']);

    expect((await declare({ id: 'inc-42', channels: ['web'], reason: 'again' })).status).toBe(409);

    const del = () =>
      fetch(`${server.url}/admin/outages/inc-42`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
    const ended = await del();
    expect(ended.status).toBe(200);
    expect((await ended.json()).id).toBe('inc-42');
    expect(router.getSnapshot().outages).toEqual([]);
    const again = await del();
    expect(again.status).toBe(404);
    expect((await again.json()).detail).toContain('inc-42');
  });

  it('lists every problem of a bad body with 400', async () => {
    const res = await declare({ channels: ['app', 'fax'], kind: 'panic', until: 'tomorrow', extra: 1 });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.type).toBe('urn:secours:problem:invalid-body');
    const paths = body.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['', 'channels[1]', 'kind', 'reason', 'until']));
    expect(body.issues.find((i: { path: string }) => i.path === 'channels[1]').message).toContain('fax');
    expect(router.getSnapshot().outages).toEqual([]);
  });

  it('refuses JSON that does not parse, a wrong content type and an empty body', async () => {
    const broken = await declare('{"channels": [');
    expect(broken.status).toBe(400);
    expect((await broken.json()).detail).toMatch(/not valid JSON/);
    const text = await fetch(`${server.url}/admin/outages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' },
      body: 'channels=app',
    });
    expect(text.status).toBe(415);
    expect((await declare('')).status).toBe(400);
    // An own `__proto__` key, as JSON.parse makes it, could smuggle in values nobody validated.
    const smuggled = await declare('{"channels":["app"],"reason":"x","__proto__":{"kind":"maintenance"}}');
    expect(smuggled.status).toBe(400);
    expect((await smuggled.json()).issues).toContainEqual({
      path: '__proto__',
      message: 'a `__proto__` key is not allowed',
    });
  });

  it('refuses a body past the limit with 413, declared or streamed', async () => {
    const big = JSON.stringify({ channels: ['app'], reason: 'x'.repeat(2000) });
    const declared = await declare(big);
    expect(declared.status).toBe(413);
    // No Content-Length: the limit holds while reading.
    const chunks = new TextEncoder().encode(big);
    const streamed = await fetch(`${server.url}/admin/outages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < chunks.length; i += 100) c.enqueue(chunks.slice(i, i + 100));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('checks its options', () => {
    expect(configError(() => adminHandler(router, { token: 'short' })).issues[0]?.path).toBe('token');
    expect(configError(() => statusHandler(router, { heartbeatMs: -1 })).issues[0]?.path).toBe('heartbeatMs');
  });
});

describe('connectStatus', () => {
  it('feeds a local router from a remote status: routes down, outages with their words', async () => {
    const remote = createRouter({ catalog: laPoste });
    const local = createRouter({ catalog: laPoste });
    const store = { getSnapshot: () => ({ snapshot: remote.getSnapshot() }), subscribe: remote.subscribe };
    const stop = connectStatus(local, store);
    try {
      remote.declareOutage({
        id: 'inc-2022-09-15',
        channels: ['app', 'web'],
        operations: ['transfer'],
        reason: { fr: 'Virements en ligne indisponibles.', en: 'Online transfers are unavailable.' },
      });
      await new Promise<void>((resolve) => {
        const off = remote.subscribe(() => {
          off();
          resolve();
        });
      });
      const plan = local.plan('transfer', { locale: 'en' });
      expect(plan.code).toBe('outage');
      expect(plan.reason).toBe('Online transfers are unavailable.');
      expect(plan.alternatives.map((a) => a.channel)).toEqual(
        expect.arrayContaining(['wero', 'phone-3639', 'counter']),
      );
      expect(plan.alternatives.map((a) => a.channel)).not.toContain('app');
      expect(local.getSnapshot().outages.map((o) => o.id)).toEqual(['inc-2022-09-15']);

      remote.endOutage('inc-2022-09-15');
      await new Promise<void>((resolve) => {
        const off = remote.subscribe(() => {
          off();
          resolve();
        });
      });
      expect(
        local
          .plan('transfer')
          .alternatives.map((a) => a.channel)
          .slice(0, 2),
      ).toEqual(['app', 'web']);
      expect(local.getSnapshot().outages).toEqual([]);
    } finally {
      stop();
      remote.dispose();
      local.dispose();
    }
  });
});
