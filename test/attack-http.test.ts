// secours/http and the `secours validate` bin against a hostile peer: a status feed that sends
// well-formed JSON of the wrong shape, and catalogue files that are endless, mis-encoded or
// saved with a byte order mark.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import {
  adminHandler,
  connectStatus,
  createStatusClient,
  type EventSourceLike,
  statusHandler,
} from '../src/http/index.js';
import { ConfigError, createRouter, defineCatalog, type Snapshot, type Warning } from '../src/index.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: { fr: "l'appli", en: 'the app' } },
    phone: { kind: 'phone', label: { fr: 'le 3639', en: '3639' } },
  },
  operations: {
    transfer: { label: { fr: 'Virement', en: 'Transfer' }, routes: [{ channel: 'app' }, { channel: 'phone' }] },
  },
});

/** Feeds that parse as JSON and pass a glance (`typeof null === 'object'`), but hold null where a table or an outage belongs. */
const garbage = [
  { version: 1, at: '', operations: null, channels: {}, outages: [] },
  { version: 1, at: '', operations: {}, channels: null, outages: [] },
  { version: 1, at: '', operations: {}, channels: {}, outages: [null] },
  { version: 1, at: '', operations: {}, channels: {}, outages: [7, 'x', []] },
  { version: 1, at: '', operations: { transfer: null }, channels: {}, outages: [] },
];

/** The client's own `EventSource` option: a WHATWG-shaped source the test drives. */
function drivenEventSource() {
  const opened: { emit(type: string, data: string, id: string): void }[] = [];
  class Driven {
    private readonly listeners = new Map<string, ((event: MessageEvent) => void)[]>();
    constructor() {
      opened.push(this);
    }
    addEventListener(type: string, listener: (event: MessageEvent) => void) {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    }
    close() {}
    emit(type: string, data: string, id: string) {
      for (const l of this.listeners.get(type) ?? []) l({ data, lastEventId: id } as MessageEvent);
    }
  }
  return { EventSource: Driven as unknown as EventSourceLike, opened };
}

describe('status feed: a peer that sends the wrong shape', () => {
  it('connectStatus reads a store holding null tables or null outages as saying nothing, without throwing', () => {
    for (const snapshot of garbage) {
      const router = createRouter({ catalog });
      const store = { getSnapshot: () => ({ snapshot: snapshot as unknown as Snapshot }), subscribe: () => () => {} };
      const errors: unknown[] = [];
      let stop: (() => void) | undefined;
      expect(() => {
        stop = connectStatus(router, store, { onError: (e) => errors.push(e) });
      }, JSON.stringify(snapshot)).not.toThrow();
      expect(router.getSnapshot().outages).toEqual([]);
      stop?.();
      router.dispose();
    }
  });

  it('createStatusClient keeps the last good snapshot when an event holds null where a table belongs', () => {
    vi.useFakeTimers();
    try {
      const { EventSource, opened } = drivenEventSource();
      const warnings: Warning[] = [];
      const client = createStatusClient('/status', { EventSource, onWarning: (w) => warnings.push(w) });
      const router = createRouter({ catalog });
      const stop = connectStatus(router, client);
      const good = { version: 1, at: '', operations: {}, channels: {}, outages: [] };
      opened[0]?.emit('snapshot', JSON.stringify(good), 'a-1');
      expect(client.getSnapshot().snapshot).toEqual(good);
      for (const [i, bad] of garbage.entries()) opened[0]?.emit('snapshot', JSON.stringify(bad), `a-${i + 2}`);
      // Nothing of it reached the subscribers: none of them threw on it, the good one is kept.
      expect(warnings).toEqual([]);
      expect(client.getSnapshot().snapshot).toEqual(good);
      stop();
      client.close();
      router.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
});

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/cli.js');

/**
 * Runs the built bin on `file`; with `input` (a bounded generator of chunks), `file` is made a
 * named pipe the test writes them to, as a shell's `<(…)` or a device would hand the bin a stream.
 */
function validate(
  file: string,
  input?: () => Generator<Buffer>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does)`);
  if (input) execFileSync('mkfifo', [file]);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'validate', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill(), 60_000);
    let pipe: ReturnType<typeof createWriteStream> | undefined;
    child.once('close', (code) => {
      clearTimeout(timer);
      pipe?.destroy();
      resolve({ code, stdout, stderr });
    });
    if (!input) return;
    pipe = createWriteStream(file);
    const out = pipe;
    // The bin may stop reading once it has seen enough: a write after that is not an error here.
    out.on('error', () => {});
    const chunks = input();
    const pump = () => {
      for (let next = chunks.next(); !next.done; next = chunks.next()) {
        if (out.destroyed) return;
        if (!out.write(next.value)) {
          out.once('drain', pump);
          return;
        }
      }
      out.end();
    };
    pump();
  });
}

const fixtureCatalog = JSON.stringify({
  channels: { app: { kind: 'digital', label: { fr: 'Appli échouée', en: 'the app' } } },
  operations: { transfer: { label: 'Virement', routes: [{ channel: 'app' }] } },
});

describe('secours validate: files no catalogue is', () => {
  it('stops reading an endless stream (a pipe, a device) past a bound, and says so', async () => {
    const MB = 1024 * 1024;
    const spaces = Buffer.alloc(MB, 0x20);
    // 200 MB of spaces, then a catalogue: no catalogue is that large, and holding it all would
    // cost several times that in memory (an endless /dev/zero grew past 16 GB).
    const fifo = join(mkdtempSync(join(tmpdir(), 'secours-validate-')), 'endless.json');
    const result = await validate(fifo, function* () {
      for (let i = 0; i < 200; i++) yield spaces;
      yield Buffer.from(fixtureCatalog);
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/larger than \d+ (MB|bytes)/);
  }, 90_000);

  it('refuses a file that is not UTF-8 (a Latin-1 é) instead of accepting it with its letters replaced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secours-validate-'));
    const file = join(dir, 'latin1.json');
    writeFileSync(file, Buffer.from(fixtureCatalog, 'latin1'));
    expect(readFileSync(file).includes(0xe9)).toBe(true);
    const result = await validate(file);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/not valid UTF-8/);
  });

  it('accepts a catalogue saved with a UTF-8 byte order mark, as JSON allows a parser to', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secours-validate-'));
    const file = join(dir, 'bom.json');
    writeFileSync(file, `\uFEFF${fixtureCatalog}`);
    const result = await validate(file);
    expect(result.stdout).toMatch(/✔ .*bom\.json: 1 channels, 1 operations/);
    expect(result.code).toBe(0);
    expect(dirname(file)).toBe(dir);
  });
});

describe('admin endpoint: a token no request can carry', () => {
  const router = createRouter({ catalog });
  it('refuses, when built, a token that a Bearer header cannot hold, so operators are not locked out with 401s', async () => {
    const unusable = [
      ' '.repeat(16),
      'my very secret admin token',
      `${'a'.repeat(16)}\n`,
      'tok\u0000'.repeat(5),
      '\u200b'.repeat(16),
      'é'.repeat(16),
    ];
    for (const token of unusable) {
      expect(() => adminHandler(router, { token }), JSON.stringify(token)).toThrow(ConfigError);
    }
    // What secret generators print is still taken: hex, base64, base64url, UUIDs.
    for (const token of [
      '0123456789abcdef0123',
      'q83vEjRWeJA+/wq83vEjRWeJA==',
      'q83v-EjRW_eJA~q83v.Ej',
      crypto.randomUUID(),
    ]) {
      const admin = adminHandler(router, { token });
      const res = await admin(
        new Request('http://localhost/admin/outages/none', {
          method: 'DELETE',
          headers: { authorization: `Bearer ${token}` },
        }),
      );
      expect(res.status, token).toBe(404);
    }
  });
});

describe('status feed: a handler that was closed', () => {
  it('opens no new stream after close(), so a server shutting down is not held open by clients reconnecting', async () => {
    const router = createRouter({ catalog });
    const status = statusHandler(router);
    const sse = () => status(new Request('http://localhost/status', { headers: { accept: 'text/event-stream' } }));
    const before = await sse();
    expect(before.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(status.clients).toBe(1);
    status.close();
    expect(status.clients).toBe(0);
    const after = await sse();
    expect(after.headers.get('content-type')).not.toMatch(/^text\/event-stream/);
    expect(after.status).toBe(503);
    expect(after.headers.get('retry-after')).toMatch(/^\d+$/);
    await after.body?.cancel();
    expect(status.clients).toBe(0);
    // JSON is still served, as the docs say.
    const json = await status(new Request('http://localhost/status'));
    expect(json.status).toBe(200);
    expect(((await json.json()) as Snapshot).version).toBe(router.getSnapshot().version);
    router.dispose();
  });
});

describe('secours/http timers: a delay past what setTimeout holds', () => {
  // setTimeout and setInterval hold at most 2^31 - 1 ms (about 24.8 days); past it they fire
  // after 1 ms: a heartbeat of "a month" would ping every stream every millisecond.
  const TOO_LONG = 2 ** 31;
  it('statusHandler refuses a heartbeat setInterval cannot hold, instead of pinging every millisecond', () => {
    const router = createRouter({ catalog });
    expect(() => statusHandler(router, { heartbeatMs: TOO_LONG })).toThrow(ConfigError);
    expect(() => statusHandler(router, { heartbeatMs: TOO_LONG - 1 }).close()).not.toThrow();
    router.dispose();
  });

  it('createStatusClient refuses delays setTimeout cannot hold, instead of dropping and reconnecting at once', () => {
    const { EventSource } = drivenEventSource();
    for (const option of ['staleAfterMs', 'minRetryMs', 'maxRetryMs'] as const) {
      expect(() => createStatusClient('/status', { EventSource, [option]: TOO_LONG }), option).toThrow(ConfigError);
    }
    const client = createStatusClient('/status', { EventSource, maxRetryMs: TOO_LONG - 1 });
    client.close();
  });
});

describe('secours validate: a scenario that no replay could finish', () => {
  const scenario = JSON.parse(readFileSync(join(root, 'dist/scenarios/counters-2018-04-09.json'), 'utf8')) as Record<
    string,
    unknown
  > & { traffic: { perMinute: Record<string, number> } };
  delete scenario.$schema;
  const check = async (name: string, value: unknown) => {
    const file = join(mkdtempSync(join(tmpdir(), 'secours-validate-')), `${name}.json`);
    writeFileSync(file, JSON.stringify(value));
    return validate(`${file}`);
  };

  it('accepts the shipped scenario as it is', async () => {
    const result = await check('as-shipped', { ...scenario });
    expect(result.code, result.stdout).toBe(0);
  });

  it('refuses, with the path, a span of 8,000 years or a trillion calls a minute (simulate ran past 3 GB without end)', async () => {
    const long = await check('long', { ...scenario, end: '9999-12-31T00:00:00Z', bucketMinutes: 1 });
    expect(long.code).toBe(1);
    expect(long.stdout).toMatch(/→ at end\b/);
    const busy = await check('busy', { ...scenario, traffic: { ...scenario.traffic, perMinute: { transfer: 1e12 } } });
    expect(busy.code).toBe(1);
    expect(busy.stdout).toMatch(/→ at traffic\.perMinute/);
  });
});
