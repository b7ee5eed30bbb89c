/**
 * A small payment service, as an application would write it: transfers go through the bank's
 * API, or through an instant-transfer API when the bank's is down; balances come from the bank.
 * When nothing automated works, the person is told where to go.
 *
 * An application imports from 'secours'; this example imports from the sources so it runs
 * without a build.
 */
import {
  type Clock,
  createRouter,
  defineCatalog,
  type HandlerContext,
  type Handlers,
  type Outcome,
} from '../../src/index.js';

export const catalog = defineCatalog({
  channels: {
    bank: { kind: 'digital', label: { fr: 'Banque en ligne', en: 'Online banking' }, dependsOn: ['core-banking'] },
    instant: { kind: 'digital', label: { fr: 'Virement instantané', en: 'Instant transfer' } },
    phone: {
      kind: 'phone',
      label: { fr: 'Service client', en: 'Customer service' },
      contact: { phone: '3639' },
      hours: {
        timeZone: 'Europe/Paris',
        weekly: {
          mon: ['08:00-20:00'],
          tue: ['08:00-20:00'],
          wed: ['08:00-20:00'],
          thu: ['08:00-20:00'],
          fri: ['08:00-20:00'],
        },
      },
    },
  },
  operations: {
    transfer: {
      label: { fr: 'Virement', en: 'Transfer' },
      routes: [{ channel: 'bank' }, { channel: 'instant', limits: { maxAmount: 500 } }, { channel: 'phone' }],
    },
    balance: {
      label: { fr: 'Solde', en: 'Balance' },
      idempotent: true,
      routes: [{ channel: 'bank' }, { channel: 'phone' }],
    },
  },
});

export interface TransferOrder {
  to: string;
  amount: number;
}

/** The two backends the service talks to. */
export interface Backends {
  bank: {
    transfer(order: TransferOrder, key: string, signal: AbortSignal): Promise<{ id: string }>;
    balance(signal: AbortSignal): Promise<number>;
  };
  instant: { send(order: TransferOrder, key: string, signal: AbortSignal): Promise<{ id: string }> };
}

export interface PaymentsOptions {
  /** Lets a test wrap the handlers (a chaos controller). */
  wrap?: <H extends Handlers<typeof catalog>>(handlers: H) => H;
  clock?: Clock;
}

/** What the page shows: done, go elsewhere (with where), or check before trying again. */
export type Answer =
  | { status: 'done'; id: string; via: string }
  | { status: 'go-elsewhere'; message: string; options: string[] }
  | { status: 'check'; message: string; reference: string };

function answer(outcome: Outcome<string, string, { id: string }>): Answer {
  if (outcome.kind === 'served') return { status: 'done', id: outcome.value.id, via: outcome.channel };
  if (outcome.kind === 'uncertain') return { status: 'check', message: outcome.reason, reference: outcome.reference };
  return { status: 'go-elsewhere', message: outcome.reason, options: outcome.alternatives.map((a) => a.label) };
}

export function createPayments(backends: Backends, options: PaymentsOptions = {}) {
  const handlers = {
    transfer: {
      bank: (order: TransferOrder, ctx: HandlerContext) =>
        backends.bank.transfer(order, ctx.idempotencyKey, ctx.signal),
      instant: (order: TransferOrder, ctx: HandlerContext) =>
        backends.instant.send(order, ctx.idempotencyKey, ctx.signal),
    },
    balance: { bank: (_input: unknown, ctx: HandlerContext) => backends.bank.balance(ctx.signal) },
  };
  const router = createRouter({
    catalog,
    handlers: options.wrap ? options.wrap(handlers) : handlers,
    breaker: { timeout: 5_000, volumeThreshold: 3, resetTimeout: 60_000 },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    router,
    async transfer(order: TransferOrder, idempotencyKey: string, locale: 'fr' | 'en' = 'en'): Promise<Answer> {
      return answer(await router.execute('transfer', order, { idempotencyKey, amount: order.amount, locale }));
    },
    balance: (locale: 'fr' | 'en' = 'en') => router.execute('balance', {}, { locale }),
    dispose: () => router.dispose(),
  };
}
