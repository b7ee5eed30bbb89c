// `policies` is typed against the catalogue: only its operations, only the options each takes,
// and `T | undefined` wherever a service has a value that may be missing (`npm run typecheck`).
import { createRouter, defineCatalog, type OperationPolicy, type Policies } from '../../src/index.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'app' },
    phone: { kind: 'phone', label: '3639', contact: { phone: '3639' } },
  },
  operations: {
    balance: { label: 'Solde', idempotent: true, routes: [{ channel: 'app' }, { channel: 'phone' }] },
    transfer: { label: 'Virement', routes: [{ channel: 'app' }, { channel: 'phone' }] },
  },
});

declare const maybe: number | undefined;

createRouter({
  catalog,
  handlers: {},
  retry: { maxRetries: maybe, baseMs: maybe, maxMs: maybe, jitter: 'decorrelated', random: Math.random },
  timeoutMs: maybe,
  policies: {
    balance: { hedge: { afterMs: 300, maxHedges: maybe }, timeoutMs: maybe, retry: undefined },
    transfer: undefined,
  },
});

const own: Policies<typeof catalog> = { transfer: { retry: { maxRetries: 2 } } };
createRouter({ catalog, handlers: {}, policies: own });

// @ts-expect-error: no operation `nope` in the catalogue
createRouter({ catalog, handlers: {}, policies: { nope: { timeoutMs: 5 } } });
// @ts-expect-error: `constructor` is not an operation either
const proto: Policies<typeof catalog> = { constructor: { timeoutMs: 5 } };
// @ts-expect-error: a count is a number
createRouter({ catalog, handlers: {}, policies: { transfer: { retry: { maxRetries: '2' } } } });
// @ts-expect-error: a hedge needs its afterMs
createRouter({ catalog, handlers: {}, policies: { balance: { hedge: {} } } });
// @ts-expect-error: no such jitter
const jitter: OperationPolicy = { retry: { jitter: 'random' } };
// @ts-expect-error: no such policy option
const unknown: OperationPolicy = { retries: 3 };

export { jitter, proto, unknown };
