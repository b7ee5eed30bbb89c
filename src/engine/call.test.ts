import { describe, expect, it } from 'vitest';
import { defineCatalog } from '../catalog.js';
import { createRouter } from '../router.js';

const catalog = defineCatalog({
  channels: { app: { kind: 'digital', label: 'App' } },
  operations: { transfer: { label: 'Transfer', routes: [{ channel: 'app' }] } },
});

describe('generated idempotency keys', () => {
  it('are version-4 UUIDs, distinct across calls and across routers', async () => {
    const keys: string[] = [];
    const make = () =>
      createRouter({
        catalog,
        handlers: {
          transfer: {
            app: (_input, ctx) => {
              keys.push(ctx.idempotencyKey);
              return 'ok';
            },
          },
        },
      });
    const [a, b] = [make(), make()];
    for (let i = 0; i < 2_000; i++) await (i % 2 ? a : b).execute('transfer', {});
    a.dispose();
    b.dispose();
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys)
      expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
