import { createRouter, NotExecutedError } from '../src/index.js';
import { laPoste } from '../src/presets/la-poste.js';

const router = createRouter({
  catalog: laPoste,
  handlers: {
    transfer: {
      app: async () => {
        throw new NotExecutedError('online banking unreachable');
      },
      web: async (input: { to: string; amount: number }) => ({ id: 'tr-1', ...input }),
    },
  },
});

const outcome = await router.execute('transfer', { to: 'FR76…', amount: 50 }, { locale: 'en', amount: 50 });
console.log(outcome.kind, outcome.kind === 'served' ? `${outcome.channel} (degraded: ${outcome.degraded})` : outcome);
router.declareOutage({
  systems: ['online-banking'],
  reason: { fr: 'Banque en ligne en panne.', en: 'Online banking is down.' },
});
console.log(JSON.stringify(await router.execute('transfer', { to: 'FR76…', amount: 50 }, { locale: 'en' }), null, 2));
router.dispose();
