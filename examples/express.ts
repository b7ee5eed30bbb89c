// A backend service on Express: the status feed, the operator's endpoint, and an operation that
// answers with problem details when it cannot be done. `npx tsx examples/express.ts`, then
// `curl localhost:3000/status`. The same handlers serve a bare node:http server or Fastify
// (`reply.hijack()` then the listener on `request.raw`, `reply.raw`).
import express from 'express';
import { adminHandler, negotiateLocale, problemResponse, statusHandler } from '../src/http/index.js'; // 'secours/http'
import { toNodeListener } from '../src/http/node-adapter.js'; // 'secours/http/node'
import { createRouter, type HandlerContext, LOCALES, NotExecutedError } from '../src/index.js'; // 'secours'
import { laPoste } from '../src/presets/la-poste.js'; // 'secours/presets/la-poste'

interface TransferOrder {
  to: string;
  amount: number;
}

/** Stands in for the bank's API: the app's backend is unreachable, the website's works. */
const bank = {
  app: async (_order: TransferOrder, _ctx: HandlerContext): Promise<{ id: string }> => {
    throw new NotExecutedError('app backend unreachable');
  },
  web: async (order: TransferOrder, ctx: HandlerContext) => ({ id: `tr-${ctx.idempotencyKey}`, ...order }),
};

export function createApp(token: string) {
  const router = createRouter({ catalog: laPoste, handlers: { transfer: bank } });
  const status = statusHandler(router);
  const app = express();
  app.get('/status', toNodeListener(status));
  app.use('/admin/outages', toNodeListener(adminHandler(router, { token })));
  app.post(
    '/transfers',
    express.json(),
    toNodeListener(async (request) => {
      const order = (await request.json()) as TransferOrder;
      // The person's language, from their browser's Accept-Language, among those secours speaks.
      const locale = negotiateLocale(request, LOCALES);
      const key = request.headers.get('idempotency-key') ?? undefined;
      const outcome = await router.execute('transfer', order, { locale, amount: order.amount, idempotencyKey: key });
      // `request` too: the answer says `Vary: Accept-Language`, since its words depend on it.
      if (outcome.kind !== 'served') return problemResponse(outcome, { locale, request, instance: '/transfers' });
      return Response.json(outcome.value, { status: 201 });
    }),
  );
  const close = () => {
    status.close();
    router.dispose();
  };
  return { app, router, close };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const token = process.env.SECOURS_ADMIN_TOKEN ?? 'change-me-change-me-change-me';
  const { app } = createApp(token);
  const port = Number(process.env.PORT ?? 3000);
  app.listen(port, () => console.log(`http://localhost:${port}/status  (admin token: ${token})`));
}
