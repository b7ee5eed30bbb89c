// The router under hostile and unlucky input: ids that are Object.prototype members, handlers
// that misbehave, bad call contexts, cancelled trials, copies of outcomes and contexts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineCatalog } from './catalog.js';
import { ConfigError, InvalidInputError } from './errors.js';
import { createRouter, type Handler, type HandlerContext } from './router.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'the app' },
    web: { kind: 'digital', label: 'the website' },
    phone: { kind: 'phone', label: '3639', contact: { phone: '3639' } },
  },
  operations: {
    transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'phone' }] },
    balance: { label: 'Balance', idempotent: true, routes: [{ channel: 'app' }, { channel: 'web' }] },
  },
});

const routers: { dispose(): void }[] = [];
function track<R extends { dispose(): void }>(r: R): R {
  routers.push(r);
  return r;
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-01-05T10:00:00Z') });
});
afterEach(() => {
  for (const r of routers.splice(0)) r.dispose();
  vi.useRealTimers();
});

// `__proto__` itself is refused by the catalogue (catalog.test.ts); every other member is an id like any other.
const PROTO_IDS = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable'];

describe('ids that are Object.prototype members', () => {
  for (const id of PROTO_IDS) {
    it(`a referral-only route on channel \`${id}\` of operation \`${id}\` is referred, never served`, async () => {
      const channels = Object.fromEntries([
        [id, { kind: 'phone', label: 'phone' }],
        ['app', { kind: 'digital', label: 'app' }],
      ]);
      const operations = Object.fromEntries([[id, { label: 'Op', routes: [{ channel: id }] }]]);
      const cat = defineCatalog({ channels, operations } as never);
      const r = track(createRouter({ catalog: cat, handlers: {} }));
      const outcome = await r.execute(id as never, {});
      expect(outcome.kind).toBe('referred');
      expect(outcome).toMatchObject({ code: 'manual' });
      expect(r.plan(id as never).willTry).toEqual([]);
      const snapshot = r.getSnapshot();
      expect(Object.hasOwn(snapshot.channels, id)).toBe(true);
      expect(Object.hasOwn(snapshot.operations, id)).toBe(true);
      expect((snapshot.operations as Record<string, { status: string }>)[id]?.status).toBe('operational');
    });
  }

  it('a channel named like a prototype member with a handler runs that handler', async () => {
    const cat = defineCatalog({
      channels: { constructor: { kind: 'digital', label: 'c' }, toString: { kind: 'phone', label: 't' } },
      operations: { valueOf: { label: 'v', routes: [{ channel: 'constructor' }, { channel: 'toString' }] } },
    } as never);
    const handler = vi.fn(async () => 42);
    const r = track(createRouter({ catalog: cat, handlers: { valueOf: { constructor: handler } } as never }));
    expect(await r.execute('valueOf' as never, {})).toMatchObject({ kind: 'served', channel: 'constructor' });
    expect(handler).toHaveBeenCalledOnce();
  });

  it('an unknown operation named like a prototype member is an UnknownOperationError', async () => {
    const r = track(createRouter({ catalog, handlers: {} }));
    await expect(r.execute('constructor' as never, {})).rejects.toMatchObject({ name: 'UnknownOperationError' });
    expect(() => r.plan('toString' as never)).toThrow(expect.objectContaining({ name: 'UnknownOperationError' }));
  });
});
