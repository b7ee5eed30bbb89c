import { createRouter, defineCatalog } from '../../src/index.js';

const boom = new Error('x');
const catalog = defineCatalog({
  channels: {
    api: { kind: 'digital', label: { fr: "l'API", en: 'the API' } },
    backup: { kind: 'digital', label: { fr: "l'API de secours", en: 'the backup API' } },
    phone: { kind: 'phone', label: { fr: 'le 3639', en: '3639' }, contact: { phone: '3639' } },
    counter: {
      kind: 'in-person',
      label: { fr: 'le guichet', en: 'the counter' },
      hours: { timeZone: 'Europe/Paris', weekly: { mon: ['09:00-18:00'] } },
    },
  },
  operations: {
    stamp: { label: 'Stamp', routes: [{ channel: 'api' }, { channel: 'phone' }] },
    balance: {
      label: 'Balance',
      idempotent: true,
      routes: [{ channel: 'api' }, { channel: 'backup' }, { channel: 'phone' }, { channel: 'counter' }],
    },
  },
});
const which = process.argv[2];
const r = createRouter({
  catalog,
  handlers: { stamp: { api: () => Promise.resolve(1) }, balance: { api: () => Promise.reject(boom) } },
  breaker: { errorThresholdPercentage: 100 },
});
const t = performance.now();
const N = Number(process.env.N ?? 300000);
for (let i = 0; i < N; i++)
  await (which === 'ok' ? r.execute('stamp', {}) : which === 'plan' ? r.plan('balance') : r.execute('balance', {}));
console.log(which, ((performance.now() - t) * 1e6) / N, 'ns');
r.dispose();
