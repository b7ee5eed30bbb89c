/**
 * The demo page, without a framework. It follows two streams: the status feed of `secours/http`
 * (through `createStatusClient`) and the demo's own clock and story. A local router, fed by the
 * status client with `connectStatus`, works out what to show for each operation, where to go
 * and whether it is open, in the browser, without calling anything; the buttons really execute
 * operations on the server.
 */
// In an application: from 'secours', 'secours/http' and 'secours/presets/la-poste'.
import { connectStatus, createStatusClient, type Problem, type StatusState } from '../../src/http/index.js';
import {
  type Alternative,
  type ChannelStatus,
  createRouter,
  localise,
  type Snapshot,
  type Text,
} from '../../src/index.js';
import { laPoste } from '../../src/presets/la-poste.js';
import type { DemoLocale as Locale } from '../demo/opening-hours-text.js';
import { hhmm, openingHours } from '../demo/opening-hours-text.js';
import { type BannerModel, bannerModel } from './banner.js';

type Op = keyof typeof laPoste.operations;
const OPERATIONS = Object.keys(laPoste.operations) as Op[];
const TZ = 'Europe/Paris';

// ── Words ──────────────────────────────────────────────────────────────────────────────────
const T = {
  fr: {
    title: 'État des services',
    sub: 'La Poste · La Banque Postale — démonstration secours',
    ops: 'Que voulez-vous faire ?',
    choose: 'Ma démarche :',
    none: '—',
    worksNow: 'Ce qui marche maintenant',
    closedNow: 'Fermé pour le moment',
    try: 'Essayer',
    trying: 'En cours…',
    degraded: 'Service perturbé',
    notWorking: 'Ne fonctionne pas en ce moment :',
    stillWorking: 'Se fait encore :',
    allUsual: 'Toutes les démarches se font encore comme d’habitude.',
    nowhere: 'nulle part pour le moment',
    colon: ' : ',
    cannot: (op: string) => `« ${op} » ne peut pas se faire par le moyen habituel en ce moment.`,
    goTo: 'Le plus simple maintenant :',
    live: 'En direct',
    dropped: (at: string) =>
      `Mises à jour interrompues. L'état affiché est le dernier reçu, à ${at}. Reconnexion en cours…`,
    connecting: 'Connexion au flux d’état…',
    served: (ch: string) => `Effectué : ${ch}`,
    servedDegraded: 'par un autre moyen que d’habitude',
    referred: 'Non effectué : voici où aller',
    uncertain: 'Issue incertaine',
    reference: 'Référence',
    retry: (at: string) => `Nouvel essai possible vers ${at}.`,
    receipt: 'Reçu',
    more: (n: number) => `${n} autre${n > 1 ? 's' : ''} possibilité${n > 1 ? 's' : ''}`,
    call: 'Appeler le',
    replay: (speed: number) => `(rejoué ×${speed})`,
    foot: 'Démonstration : données publiques, horaires indicatifs. Aucun vrai service n’est appelé.',
    status: {
      operational: 'Fonctionne normalement',
      degraded_performance: 'Fonctionne, autrement',
      partial_outage: 'Seulement par un autre canal',
      major_outage: 'Indisponible',
      under_maintenance: 'En maintenance',
    } satisfies Record<ChannelStatus, string>,
  },
  en: {
    title: 'Service status',
    sub: 'La Poste · La Banque Postale — secours demo',
    ops: 'What do you want to do?',
    choose: 'My task:',
    none: '—',
    worksNow: 'What works now',
    closedNow: 'Closed right now',
    try: 'Try it',
    trying: 'Working…',
    degraded: 'Service disruption',
    notWorking: 'Not working right now:',
    stillWorking: 'Can still be done:',
    allUsual: 'Every task can still be done the usual way.',
    nowhere: 'nowhere right now',
    colon: ': ',
    cannot: (op: string) => `“${op}” cannot be done the usual way right now.`,
    goTo: 'Easiest now:',
    live: 'Live',
    dropped: (at: string) => `Live updates stopped. The status shown was last received at ${at}. Reconnecting…`,
    connecting: 'Connecting to the status feed…',
    served: (ch: string) => `Done: ${ch}`,
    servedDegraded: 'another way than usual',
    referred: 'Not done: here is where to go',
    uncertain: 'Outcome uncertain',
    reference: 'Reference',
    retry: (at: string) => `You can try again around ${at}.`,
    receipt: 'Receipt',
    more: (n: number) => `${n} more option${n > 1 ? 's' : ''}`,
    call: 'Call',
    replay: (speed: number) => `(replayed ×${speed})`,
    foot: 'Demo: public facts, typical opening hours. No real service is called.',
    status: {
      operational: 'Working normally',
      degraded_performance: 'Working, another way',
      partial_outage: 'Only through another channel',
      major_outage: 'Unavailable',
      under_maintenance: 'Under maintenance',
    } satisfies Record<ChannelStatus, string>,
  },
} as const;

// ── State ──────────────────────────────────────────────────────────────────────────────────
interface DemoState {
  scene?: { id: string; title: Record<Locale, string>; exclude: string[] };
  now: number;
  speed: number;
  story: { at: number; text: Record<Locale, string> }[];
}
type Result =
  | { pending: true }
  | { pending: false; served: { channel: string; degraded: boolean; value?: { receipt?: string } } }
  | { pending: false; problem: Problem };

const params = new URLSearchParams(location.search);
let locale: Locale = params.get('lang') === 'en' ? 'en' : 'fr';
let chosen: Op | '' = (OPERATIONS as string[]).includes(params.get('op') ?? '') ? (params.get('op') as Op) : 'transfer';
let demo: DemoState | undefined;
let demoReceivedAt = Date.now();
const results = new Map<Op, Result>();

/** Virtual time of the replay, continued between its messages. */
const now = () => (demo ? demo.now + (Date.now() - demoReceivedAt) * demo.speed : Date.now());

const status = createStatusClient<Snapshot>('./api/status', { staleAfterMs: 20_000, minRetryMs: 500 });
const router = createRouter({ catalog: laPoste, clock: { now } });
connectStatus(router, status);

const demoFeed = new EventSource('./api/demo');
demoFeed.addEventListener('demo', (event) => {
  demo = JSON.parse((event as MessageEvent).data) as DemoState;
  demoReceivedAt = Date.now();
  render();
});

// ── Formatting ─────────────────────────────────────────────────────────────────────────────
const tag = () => (locale === 'fr' ? 'fr-FR' : 'en-GB');
const fmt = (at: number, o: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat(tag(), { timeZone: TZ, ...o }).format(at);
const telHref = (phone: string) => `tel:${phone.replace(/[^\d+]/g, '')}`;
const label = (ch: string) => localise((laPoste.channels as Record<string, { label: Text }>)[ch]?.label, locale) ?? ch;
const opLabel = (op: Op) => localise(laPoste.operations[op].label, locale) as string;

// ── DOM ────────────────────────────────────────────────────────────────────────────────────
type Child = Node | string | false | undefined | null;
function h(name: string, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(name);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== false && c !== undefined && c !== null) el.append(c);
  return el;
}
const $ = (id: string) => document.getElementById(id) as HTMLElement;

/**
 * Live regions are read aloud on every change of their content, even to the same words: they
 * are touched only when what they say changes.
 */
function say(region: HTMLElement, signature: string, build: () => Child[]): void {
  if (region.dataset.said === signature) return;
  region.dataset.said = signature;
  region.replaceChildren(...(build().filter((c) => c !== false && c !== undefined && c !== null) as (Node | string)[]));
}

function alternativeItem(alt: Alternative): HTMLElement {
  const t = T[locale];
  const phone = alt.contact?.phone;
  return h(
    'li',
    { class: `alt ${alt.openNow ? 'open' : 'closed'}`, 'data-channel': alt.channel },
    h(
      'div',
      { class: 'alt-head' },
      h('strong', {}, alt.label),
      h('span', { class: `hours ${alt.openNow ? 'is-open' : 'is-closed'}` }, openingHours(alt, now(), locale)),
    ),
    alt.instructions && h('p', { class: 'alt-text' }, alt.instructions),
    phone && h('a', { class: 'tel', href: telHref(phone) }, `${t.call} ${phone}`),
    !phone && alt.contact?.url && h('a', { class: 'url', href: alt.contact.url, rel: 'noopener' }, alt.contact.url),
  );
}

/** `key` names a <details> so that re-rendering keeps it open if the person opened it. */
function alternativesList(alts: readonly Alternative[], max: number, key?: string): HTMLElement {
  const shown = alts.slice(0, max);
  const list = h('ul', { class: 'alts' }, ...shown.map(alternativeItem));
  if (alts.length <= max) return list;
  return h(
    'div',
    {},
    list,
    h(
      'details',
      { 'data-key': key && `${key}-more` },
      h('summary', {}, T[locale].more(alts.length - max)),
      h('ul', { class: 'alts' }, ...alts.slice(max).map(alternativeItem)),
    ),
  );
}

function resultView(op: Op): HTMLElement | undefined {
  const r = results.get(op);
  if (!r || r.pending) return undefined;
  const t = T[locale];
  if ('served' in r) {
    return h(
      'div',
      { class: `result served${r.served.degraded ? ' degraded' : ''}`, 'data-kind': 'served' },
      h('p', { class: 'result-title' }, `✔ ${t.served(label(r.served.channel))}`),
      r.served.degraded && h('p', {}, t.servedDegraded),
      r.served.value?.receipt && h('p', { class: 'muted' }, `${t.receipt} ${r.served.value.receipt}`),
    );
  }
  const p = r.problem;
  const kind = p.status === 504 ? 'uncertain' : 'referred';
  return h(
    'div',
    { class: `result ${kind}`, 'data-kind': kind },
    h('p', { class: 'result-title' }, kind === 'uncertain' ? `⚠ ${t.uncertain}` : `↪ ${t.referred}`),
    h('p', {}, p.detail),
    p.reference && h('p', { class: 'muted' }, `${t.reference} ${p.reference}`),
    p.retryAfter && h('p', { class: 'muted' }, t.retry(hhmm(Date.parse(p.retryAfter), locale))),
    p.alternatives && p.alternatives.length > 0 && alternativesList(p.alternatives, 3),
  );
}

async function execute(op: Op) {
  results.set(op, { pending: true });
  render();
  try {
    const res = await fetch('./api/execute', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operation: op, locale }),
    });
    const body = await res.json();
    results.set(op, res.ok ? { pending: false, served: body } : { pending: false, problem: body as Problem });
    const said = res.ok ? T[locale].served(label(body.channel)) : `${T[locale].referred}. ${(body as Problem).detail}`;
    say($('announce'), `${op}|${Date.now()}`, () => [`${opLabel(op)} — ${said}`]);
  } catch {
    results.delete(op);
  }
  render();
}

function statusOf(snapshot: Snapshot | undefined, op: Op): ChannelStatus {
  return (snapshot?.operations as Record<string, { status: ChannelStatus }> | undefined)?.[op]?.status ?? 'operational';
}

/** What the page's router would do now for `op`, as this scene's customers see it. */
function planOf(op: Op) {
  return router.plan(op, { locale, exclude: (demo?.scene?.exclude ?? []) as never[] });
}

function card(op: Op, snapshot: Snapshot | undefined, plan: ReturnType<typeof planOf>): HTMLElement {
  const t = T[locale];
  const st = statusOf(snapshot, op);
  const open = plan.alternatives.filter((a) => a.openNow);
  const closed = plan.alternatives.filter((a) => !a.openNow);
  const pending = results.get(op)?.pending === true;
  return h(
    'article',
    { class: `op status-${st}${op === chosen ? ' chosen' : ''}`, 'data-operation': op, 'data-status': st },
    h('div', { class: 'op-head' }, h('h3', {}, opLabel(op)), h('span', { class: `pill pill-${st}` }, t.status[st])),
    h('h4', {}, t.worksNow),
    open.length ? alternativesList(open, 3, `${op}-open`) : h('p', { class: 'muted' }, '—'),
    closed.length > 0 &&
      h(
        'details',
        { class: 'closed-list', 'data-key': `${op}-closed` },
        h('summary', {}, t.closedNow),
        alternativesList(closed, closed.length),
      ),
    h(
      'button',
      { type: 'button', class: 'try', id: `try-${op}`, 'data-op': op, disabled: pending },
      pending ? t.trying : t.try,
    ),
    h('div', { class: 'result-slot' }, resultView(op) ?? ''),
  );
}

/** What does not work, and where each task that cannot be done the usual way still can. */
function bannerLists(model: BannerModel): HTMLElement[] {
  const t = T[locale];
  if (!model.notWorking.length) return [];
  const names = (ids: readonly string[], name: (id: string) => string) => ids.map(name).join(', ');
  return [
    h(
      'div',
      { class: 'not-working' },
      h('p', { class: 'banner-head' }, t.notWorking),
      h(
        'ul',
        {},
        ...model.notWorking.map((n) =>
          h(
            'li',
            { 'data-channel': n.channel, 'data-operations': n.operations.join(' ') },
            h('strong', {}, label(n.channel)),
            n.operations.length ? `${t.colon}${names(n.operations, (op) => opLabel(op as Op))}` : '',
          ),
        ),
      ),
    ),
    model.stillWorking.length
      ? h(
          'div',
          { class: 'still-working' },
          h('p', { class: 'banner-head' }, t.stillWorking),
          h(
            'ul',
            {},
            ...model.stillWorking.map((w) =>
              h(
                'li',
                { 'data-operation': w.operation, 'data-channels': w.channels.join(' ') },
                h('strong', {}, opLabel(w.operation as Op)),
                `${t.colon}${w.channels.length ? names(w.channels, label) : t.nowhere}`,
              ),
            ),
          ),
        )
      : h('p', { class: 'still-working' }, t.allUsual),
  ];
}

function render() {
  const t = T[locale];
  const state: StatusState<Snapshot> = status.getSnapshot();
  const snapshot = state.snapshot;
  const focused = document.activeElement?.id;
  const opened = new Set(
    [...document.querySelectorAll<HTMLDetailsElement>('details[data-key][open]')].map((d) => d.dataset.key),
  );
  document.documentElement.lang = locale;
  document.title =
    locale === 'fr'
      ? 'État des services — La Poste · La Banque Postale (démo secours)'
      : 'Service status — La Poste · La Banque Postale (secours demo)';
  $('brand-name').textContent = t.title;
  $('brand-sub').textContent = t.sub;
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-locale]')) {
    b.setAttribute('aria-pressed', String(b.dataset.locale === locale));
  }

  // Replay
  $('scene-title').textContent = demo?.scene ? demo.scene.title[locale] : '';
  $('speed').textContent = demo && demo.speed !== 1 ? t.replay(demo.speed) : '';
  $('story').replaceChildren(
    ...(demo?.story ?? []).map((s) => h('li', {}, h('time', {}, hhmm(s.at, locale)), ' ', s.text[locale])),
  );
  tickClock();

  // Connection
  const conn = $('connection');
  const live = state.connection === 'open' && !state.stale;
  conn.dataset.live = String(live);
  conn.className = `connection ${live ? 'is-live' : 'is-down'}`;
  const connText = live
    ? `● ${t.live}`
    : state.lastHeardAt !== undefined
      ? t.dropped(new Intl.DateTimeFormat(tag(), { timeStyle: 'medium' }).format(state.lastHeardAt))
      : t.connecting;
  say(conn, connText, () => [connText]);

  // Banners: status for what is degraded, alert when the chosen task cannot be done as usual.
  const at = now();
  const active = (snapshot?.outages ?? []).filter((o) => Date.parse(o.from) <= at);
  const model = bannerModel(snapshot, laPoste, demo?.scene?.exclude);
  const status$ = $('banner-status');
  // Which snapshot the banner speaks for: read by tests, not aloud.
  status$.dataset.version = String(snapshot?.version ?? '');
  const statusSig = `${locale}|${active.map((o) => o.id).join(',')}|${JSON.stringify(model)}`;
  say(status$, statusSig, () => {
    if (!active.length && !model.notWorking.length) return [];
    const other: Locale = locale === 'fr' ? 'en' : 'fr';
    const reasons = active.map((o) => {
      // The other language too, when the operator wrote both: a person may read either.
      const both = typeof o.reason === 'object' && o.reason[locale] && o.reason[other];
      return h(
        'li',
        { 'data-outage': o.id },
        h('span', { lang: locale }, localise(o.reason, locale) ?? ''),
        both ? h('span', { lang: other, class: 'other-lang' }, (o.reason as Record<Locale, string>)[other]) : '',
      );
    });
    return [
      h('p', { class: 'banner-title' }, `⚠ ${t.degraded} · ${locale === 'fr' ? T.en.degraded : T.fr.degraded}`),
      reasons.length ? h('ul', { class: 'reasons' }, ...reasons) : '',
      ...bannerLists(model),
    ];
  });

  const chosenStatus = chosen ? statusOf(snapshot, chosen) : 'operational';
  const cannot = chosen !== '' && (chosenStatus === 'partial_outage' || chosenStatus === 'major_outage');
  const plans = new Map(OPERATIONS.map((op) => [op, planOf(op)]));
  const best = cannot ? (plans.get(chosen as Op)?.alternatives.slice(0, 1) ?? []) : [];
  say(
    $('banner-alert'),
    cannot ? `${locale}|${chosen}|${best.map((a) => `${a.channel}:${openingHours(a, now(), locale)}`)}` : '',
    () =>
      cannot
        ? [
            h('p', { class: 'banner-title' }, t.cannot(opLabel(chosen as Op))),
            best.length ? h('p', {}, t.goTo) : '',
            best.length ? alternativesList(best, 1) : '',
          ]
        : [],
  );

  // Operations, the chosen one first.
  $('ops-title').textContent = t.ops;
  $('choose-label').textContent = t.choose;
  const select = $('choose') as HTMLSelectElement;
  // Rebuilt only when the language changes: an open list must not close under the person's finger.
  if (select.dataset.locale !== locale) {
    select.replaceChildren(
      h('option', { value: '' }, t.none),
      ...OPERATIONS.map((op) => h('option', { value: op, selected: op === chosen }, opLabel(op))),
    );
    select.dataset.locale = locale;
    select.value = chosen;
  }
  const order = chosen ? [chosen, ...OPERATIONS.filter((op) => op !== chosen)] : OPERATIONS;
  $('operations').replaceChildren(...order.map((op) => card(op, snapshot, plans.get(op) ?? planOf(op))));
  $('foot').textContent = t.foot;
  for (const d of document.querySelectorAll<HTMLDetailsElement>('details[data-key]')) {
    if (opened.has(d.dataset.key)) d.open = true;
  }
  if (focused) document.getElementById(focused)?.focus();
}

function tickClock() {
  const at = now();
  $('clock').textContent = fmt(at, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).concat(
    ' · ',
    hhmm(at, locale),
  );
}

// ── Events ─────────────────────────────────────────────────────────────────────────────────
document.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const lang = target.closest<HTMLElement>('[data-locale]')?.dataset.locale;
  if (lang === 'fr' || lang === 'en') {
    locale = lang;
    render();
    return;
  }
  const op = target.closest<HTMLElement>('button.try')?.dataset.op as Op | undefined;
  if (op) void execute(op);
});
$('choose').addEventListener('change', (event) => {
  chosen = (event.target as HTMLSelectElement).value as Op | '';
  render();
});
status.subscribe(render);
// Opening hours move with the replay's clock: refresh what they say now and then.
setInterval(tickClock, 250);
setInterval(render, 3_000);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && status.getSnapshot().stale) status.reconnect();
});
render();
