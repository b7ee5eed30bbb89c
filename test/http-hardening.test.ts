// secours/http under hostile and unlucky clients, on real loopback HTTP: bodies nobody reads,
// bodies cut short or malformed, admin paths and bodies built to confuse, event streams whose
// client went away, and a status client whose subscribers throw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, raw, startChildServer, upload } from './helpers/child-server.js';

const CHILD_TOKEN = 'child-token-0123456789abcdef';
const MB = 1024 * 1024;

describe('node adapter: a body is read only as the handler reads it', () => {
  let server: ChildServer;
  beforeAll(async () => {
    server = await startChildServer();
  });
  afterAll(() => server.stop());

  it('does not read a 100 MB upload the handler refused without reading: a few chunks at most', async () => {
    await server.reset();
    const result = await upload(`${server.url}/refuse`, 100 * MB);
    expect(result.status).toBe(401);
    // The rest is not read on a kept-alive connection: it is closed once the answer is out.
    expect(result.headers.connection).toBe('close');
    const { maxBytesRead } = await server.stats();
    // Bytes the server took off the socket: a paused request stops at its buffer and one socket read.
    expect(maxBytesRead).toBeLessThanOrEqual(1 * MB);
    expect(result.sent).toBeLessThan(100 * MB);
    expect(server.exited()).toBeNull();
  });

  it('does not read a refused upload announced with Content-Length either', async () => {
    await server.reset();
    const result = await upload(`${server.url}/refuse`, 100 * MB, { contentLength: true });
    expect(result.status).toBe(401);
    expect((await server.stats()).maxBytesRead).toBeLessThanOrEqual(1 * MB);
  });

  it('still reads a body the handler reads, whole, and keeps small exchanges alive', async () => {
    const result = await upload(`${server.url}/read-all`, 5 * MB);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ bytes: 5 * MB });
    const small = await fetch(`${server.url}/read-all`, { method: 'POST', body: 'abc' });
    expect(await small.json()).toEqual({ bytes: 3 });
    expect(small.headers.get('connection')).not.toBe('close');
  });
});

describe('node adapter: nothing a client sends ends the process', () => {
  let server: ChildServer;
  beforeAll(async () => {
    server = await startChildServer();
  });
  afterAll(() => server.stop());

  const alive = async () => {
    expect(server.exited()).toBeNull();
    const res = await fetch(`${server.url}/status`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  };

  it('answers a 20 KB chunked admin POST (over maxBodyBytes) with 413, and stays up', async () => {
    const result = await upload(`${server.url}/admin/outages`, 20 * 1024, {
      headers: { authorization: `Bearer ${CHILD_TOKEN}` },
      chunk: 1024,
    });
    expect(result.status).toBe(413);
    expect(result.headers['content-type']).toBe('application/problem+json');
    await alive();
    // Several in a row: the first one used to take the process down.
    for (let i = 0; i < 3; i++) {
      const again = await upload(`${server.url}/admin/outages`, 20 * 1024, {
        headers: { authorization: `Bearer ${CHILD_TOKEN}` },
        chunk: 512,
      });
      expect(again.status).toBe(413);
    }
    await alive();
  });

  it('survives a handler that cancels the body', async () => {
    const small = await upload(`${server.url}/cancel`, 10, { chunk: 10 });
    expect(small.status).toBe(204);
    const big = await upload(`${server.url}/cancel`, 2 * MB);
    expect(big.status).toBe(204);
    await alive();
  });

  it('survives a client that goes away mid-upload', async () => {
    for (const path of ['/read-all', '/admin/outages', '/cancel', '/refuse']) {
      const result = await upload(`${server.url}${path}`, 10 * MB, {
        headers: { authorization: `Bearer ${CHILD_TOKEN}` },
        chunk: 16 * 1024,
        abortAfter: 256 * 1024,
      });
      expect([undefined, 401, 204, 413]).toContain(result.status);
    }
    await alive();
  });

  it('survives malformed chunked encoding, before and after the handler started reading', async () => {
    const head = (path: string) =>
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${CHILD_TOKEN}\r\n` +
      'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n';
    for (const path of ['/admin/outages', '/read-all', '/cancel']) {
      const bad = await raw(server.port, `${head(path)}zz\r\n{}\r\n0\r\n\r\n`);
      expect(bad === '' || /^HTTP\/1\.1 \d{3} /.test(bad)).toBe(true);
      const cut = await raw(server.port, `${head(path)}5\r\n{"cha\r\nffffffffffffffffff\r\nxx`);
      expect(cut === '' || /^HTTP\/1\.1 \d{3} /.test(cut)).toBe(true);
      const truncated = await raw(server.port, `${head(path)}400\r\n{"channels":`, 500);
      expect(truncated === '' || /^HTTP\/1\.1 \d{3} /.test(truncated)).toBe(true);
    }
    await alive();
  });
});
