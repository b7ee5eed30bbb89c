import { describe, expect, it } from 'vitest';
import { configError } from '../../test/helpers/config-error.js';
import { defineCatalog } from '../catalog.js';
import { createRouter } from '../router.js';
import { adminHandler } from './admin-handler.js';
import { connectStatus } from './connect-status.js';
import { createStatusClient } from './status-client.js';
import { statusHandler } from './status-handler.js';

const catalog = defineCatalog({
  channels: { app: { kind: 'digital', label: 'App' } },
  operations: { balance: { label: 'Balance', routes: [{ channel: 'app' }] } },
});
const router = createRouter({ catalog });
class FakeEventSource {
  addEventListener() {}
  close() {}
}
const store = { getSnapshot: () => ({ snapshot: undefined }), subscribe: () => () => {} };

describe('the HTTP integrations read their options one way: a misspelt or bad one is a ConfigError naming it', () => {
  it('statusHandler', () => {
    expect(configError(() => statusHandler(router, { heartbeat: 1000 } as never)).issues).toEqual([
      { path: '', message: 'unknown field: "heartbeat"' },
    ]);
    expect(configError(() => statusHandler(router, { heartbeatMs: 2 ** 31 })).issues[0]?.path).toBe('heartbeatMs');
    expect(configError(() => statusHandler(router, { maxQueuedEvents: 1.5 })).issues[0]?.path).toBe('maxQueuedEvents');
    expect(configError(() => statusHandler(router, { heartbeatMs: 0 })).message).toMatch(/statusHandler options/);
  });

  it('createStatusClient', () => {
    const ok = { EventSource: FakeEventSource as never };
    expect(configError(() => createStatusClient('/s', { ...ok, staleAfter: 1 } as never)).message).toMatch(
      /unknown field: "staleAfter"/,
    );
    expect(configError(() => createStatusClient('/s', { ...ok, minRetryMs: -1 })).issues[0]?.path).toBe('minRetryMs');
    expect(configError(() => createStatusClient('/s', { ...ok, onWarning: 'log' as never })).issues[0]?.path).toBe(
      'onWarning',
    );
    createStatusClient('/s', ok).close();
  });

  it('adminHandler', () => {
    const token = 'a-token-of-16-chars';
    expect(configError(() => adminHandler(router, { token: 'short' })).issues[0]?.path).toBe('token');
    expect(configError(() => adminHandler(router, { token, maxBody: 10 } as never)).message).toMatch(
      /unknown field: "maxBody"/,
    );
    expect(configError(() => adminHandler(router, { token, path: 'admin' })).issues[0]?.path).toBe('path');
    expect(configError(() => adminHandler(router, { token, path: '/a?b' })).issues[0]?.path).toBe('path');
    expect(configError(() => adminHandler(router, undefined as never)).issues[0]?.path).toBe('token');
  });

  it('connectStatus', () => {
    expect(configError(() => connectStatus(router, store, { sourc: 'x' } as never)).message).toMatch(
      /unknown field: "sourc"/,
    );
    expect(configError(() => connectStatus(router, store, { source: '' })).issues[0]?.path).toBe('source');
  });
});
