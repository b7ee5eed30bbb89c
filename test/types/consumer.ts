// A consumer of the public API, type-checked with the strictest options users turn on
// (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess): `npm run typecheck`.
import {
  type BreakerOptions,
  type CallContext,
  createRouter,
  defineCatalog,
  type HandlerContext,
  type ScopeOptions,
} from '../../src/index.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: { fr: "l'appli", en: 'the app' } },
    phone: { kind: 'phone', label: '3639', contact: { phone: '3639' } },
  },
  operations: {
    transfer: { label: 'Virement', routes: [{ channel: 'app' }, { channel: 'phone' }] },
  },
});

// Values a service naturally has as `T | undefined`: a header, an env var, an optional setting.
declare const header: string | undefined;
declare const signal: AbortSignal | undefined;
declare const timeout: number | undefined;
declare const user: Readonly<Record<string, unknown>> | undefined;
declare const scope: string | undefined;

const breaker: BreakerOptions = { timeout, volumeThreshold: undefined };
const scopes: ScopeOptions<'app' | 'phone'> = { channels: undefined, idleEvictMs: timeout };

const router = createRouter({
  catalog,
  handlers: {
    transfer: {
      app: async (order: { to: string }, ctx: HandlerContext) => {
        const copy = { ...ctx };
        const key: string = copy.idempotencyKey;
        const s: AbortSignal = copy.signal;
        return { id: `${order.to}-${key}-${s.aborted}-${ctx.attempt}-${ctx.scope ?? ''}` };
      },
    },
  },
  breaker,
  scopes,
  clock: undefined,
  classify: undefined,
});

const ctx: CallContext<'app' | 'phone'> = {
  idempotencyKey: header,
  signal,
  locale: header === undefined ? undefined : 'en',
  user,
  scope,
  amount: timeout,
  exclude: undefined,
};

export async function run(): Promise<string> {
  const outcome = await router.execute('transfer', { to: 'FR76' }, ctx);
  router.declareOutage({ channels: ['app'], reason: { fr: 'Panne', en: 'Down' }, until: undefined, id: header });
  const plan = router.plan('transfer', { idempotencyKey: header });
  const status = router.getSnapshot().channels.app.status;
  switch (outcome.kind) {
    case 'served':
      return `${outcome.channel} ${String(outcome.value.id)} ${status} ${plan.willTry.length}`;
    case 'referred':
      return `${outcome.code} ${outcome.alternatives[0]?.label ?? ''} ${outcome.retryAfter ?? ''}`;
    case 'uncertain':
      return outcome.reference;
  }
}

import { de } from '../../src/i18n/de.js';
// Words in the person's language: any tag, catalogues per locale, a few sentences overridden.
import { type Alternative, describeAvailability, type Messages, type MessagesOption } from '../../src/index.js';

const messages: MessagesOption = {
  de,
  'fr-CA': { unavailable: (label, where) => `${label} : indisponible pour l'instant (${where}).` },
  en: { titleOutage: 'Service down' },
};
const worded = createRouter({ catalog, messages });
worded.plan('transfer', { locale: 'de-CH' });
const full: Messages = de;
void full;
// @ts-expect-error: a sentence is a function of its parts, not a string
createRouter({ catalog, messages: { de: { unavailable: 'nicht verfügbar' } } });
// @ts-expect-error: a title is a string
createRouter({ catalog, messages: { de: { titleOutage: () => 'x' } } });
// @ts-expect-error: no such sentence
createRouter({ catalog, messages: { de: { unavailabel: () => 'x' } } });
declare const alt: Alternative;
const said: string = describeAvailability(alt, { locale: 'nl-BE', now: Date.now(), messages: { de } });
void said;
