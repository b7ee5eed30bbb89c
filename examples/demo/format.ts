/**
 * How the replay prints an outcome for a person: in their language, with times in Paris.
 * Everything here reads the outcome's user-safe fields; `attempts` is read only to explain
 * which route was tried or skipped, never to show an internal error message.
 */
import { type Alternative, type Attempt, localise, type Outage, type Outcome, type Text } from '../../src/index.js';
import { laPoste } from '../../src/presets/la-poste.js';
import { TerminalDownError } from './backends.js';
import type { DemoLocale as Locale } from './opening-hours-text.js';
import { hhmm, openingHours, tags } from './opening-hours-text.js';
import type { Customer } from './timeline.js';

export function money(amount: number, locale: Locale): string {
  return new Intl.NumberFormat(tags[locale], { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(
    amount,
  );
}

export function operationLabel(op: keyof typeof laPoste.operations, locale: Locale): string {
  return localise(laPoste.operations[op].label, locale) as string;
}

export function channelLabel(channel: string, locale: Locale): string {
  const ch = (laPoste.channels as Record<string, { label: Text }>)[channel];
  return ch ? (localise(ch.label, locale) as string) : channel;
}

/** What the person asked, e.g. "Achat de timbres · 12 timbres", "Retrait d'espèces · 60 €". */
export function asked(customer: Customer): string {
  const { locale, request } = customer;
  const label = operationLabel(request.op, locale);
  const input = request.input as unknown as Record<string, unknown>;
  const fr = locale === 'fr';
  if (typeof input.amount === 'number') return `${label} · ${money(input.amount, locale)}`;
  if (typeof input.stamps === 'number') return `${label} · ${input.stamps} ${fr ? 'timbres' : 'stamps'}`;
  if (typeof input.grams === 'number') {
    const what = {
      letter: { fr: 'lettre', en: 'letter' },
      parcel: { fr: 'colis', en: 'parcel' },
      'registered-letter': { fr: 'lettre recommandée', en: 'registered letter' },
    }[input.item as 'letter' | 'parcel' | 'registered-letter'];
    return `${label} · ${what[locale]}, ${input.grams} g`;
  }
  return label;
}

/** One route tried or skipped before the outcome, said for the person. */
function explainAttempt(attempt: Attempt, locale: Locale, outage: Outage | undefined): string | undefined {
  const label = channelLabel(attempt.channel, locale);
  const fr = locale === 'fr';
  if (attempt.result === 'skipped') {
    switch (attempt.why) {
      case 'breaker-open':
        return fr
          ? `${label} : écarté sans attente, son disjoncteur est ouvert après des échecs répétés`
          : `${label}: skipped without waiting, its breaker is open after repeated failures`;
      case 'outage': {
        const until = outage?.until ? hhmm(outage.until, locale) : undefined;
        return fr
          ? `${label} : panne déclarée${until ? ` jusqu'à ${until}` : ''}, pas tenté`
          : `${label}: declared outage${until ? ` until ${until}` : ''}, not tried`;
      }
      case 'maintenance':
        return fr ? `${label} : en maintenance, pas tenté` : `${label}: under maintenance, not tried`;
      case 'excluded': {
        // The demo excludes the app for people without a smartphone, the website for people offline.
        const because =
          attempt.channel === 'web'
            ? fr
              ? "pas d'internet"
              : 'no internet'
            : fr
              ? 'pas de smartphone'
              : 'no smartphone';
        return fr ? `${label} : pas pour ce client (${because})` : `${label}: not for this customer (${because})`;
      }
      case 'limit':
        return fr ? `${label} : montant au-delà du plafond` : `${label}: amount over the limit`;
      case 'closed':
        return fr ? `${label} : fermé à cette heure, pas tenté` : `${label}: closed at this hour, not tried`;
      case 'remote':
        return fr ? `${label} : signalé en panne ailleurs, pas tenté` : `${label}: reported down elsewhere, not tried`;
      case 'busy':
        return fr ? `${label} : trop d'appels en cours, pas tenté` : `${label}: too many calls in flight, not tried`;
    }
  }
  if (attempt.result === 'success') return undefined;
  const seconds = new Intl.NumberFormat(tags[locale], { maximumFractionDigits: 1 }).format(attempt.durationMs / 1000);
  if (attempt.error instanceof TerminalDownError) {
    return fr
      ? `${label} : terminal en panne, transaction jamais commencée (${seconds} s perdues), repli sans risque`
      : `${label}: terminal down, the transaction never started (${seconds} s lost), safe to move on`;
  }
  switch (attempt.result) {
    case 'timeout':
      return fr ? `${label} : pas de réponse à temps` : `${label}: no answer in time`;
    case 'cancelled':
      return fr ? `${label} : annulé` : `${label}: cancelled`;
    default:
      return fr ? `${label} : en échec` : `${label}: failed`;
  }
}

function alternativeLine(alt: Alternative, locale: Locale, now: number): string {
  const contact = alt.contact?.phone
    ? ` · ${locale === 'fr' ? 'tél.' : 'tel.'} ${alt.contact.phone}`
    : alt.contact?.url
      ? ` · ${alt.contact.url}`
      : '';
  const hours = openingHours(alt, now, locale);
  return `→ ${alt.label}${contact} — ${hours}`;
}

export interface Paint {
  dim(s: string): string;
  bold(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
}

export function paint(color: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return {
    dim: wrap(2, 22),
    bold: wrap(1, 22),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    red: wrap(31, 39),
    cyan: wrap(36, 39),
    magenta: wrap(35, 39),
  };
}

const INDENT = '       ';

/** The block printed for one customer: a headline, then why, then what to do. */
export function customerBlock(
  customer: Customer,
  outcome: Outcome,
  now: number,
  outage: Outage | undefined,
  p: Paint,
): string[] {
  const { locale, name } = customer;
  const fr = locale === 'fr';
  const e = customer.feminine ? 'e' : '';
  const head = `${p.bold(hhmm(now))}  ${p.bold(name)} (${locale}) — ${asked(customer)} → `;
  const lines: string[] = [];
  const why = outcome.attempts
    .slice(0, outcome.kind === 'served' ? -1 : undefined)
    .map((a) => explainAttempt(a, locale, outage))
    .filter((s): s is string => s !== undefined);

  switch (outcome.kind) {
    case 'served': {
      const by = channelLabel(outcome.channel, locale);
      const verdict = fr
        ? `servi${e} par « ${by} »${outcome.degraded ? ' (mode dégradé)' : ''}`
        : `served by “${by}”${outcome.degraded ? ' (fallback)' : ''}`;
      lines.push(head + (outcome.degraded ? p.yellow(verdict) : p.green(verdict)));
      if (why.length === 0) {
        why.push(fr ? 'premier choix, il fonctionne normalement' : 'first choice, working normally');
      }
      lines.push(`${INDENT}${p.dim(fr ? 'pourquoi : ' : 'why: ')}${why.join(' ; ')}`);
      break;
    }
    case 'referred': {
      lines.push(head + p.red(fr ? `orienté${e} ailleurs` : 'referred elsewhere'));
      lines.push(`${INDENT}${p.dim(fr ? 'pourquoi : ' : 'why: ')}${outcome.reason}`);
      if (why.length) lines.push(`${INDENT}${p.dim(fr ? 'essayé : ' : 'tried: ')}${why.join(' ; ')}`);
      for (const alt of outcome.alternatives.slice(0, 3)) lines.push(`${INDENT}${alternativeLine(alt, locale, now)}`);
      if (outcome.alternatives.length > 3) {
        const more = outcome.alternatives.length - 3;
        lines.push(`${INDENT}${p.dim(fr ? `(+ ${more} autre${more > 1 ? 's' : ''})` : `(+ ${more} more)`)}`);
      }
      if (outcome.retryAfter) {
        const at = hhmm(outcome.retryAfter, locale);
        lines.push(`${INDENT}${p.dim(fr ? `réessayer après ${at}` : `try again after ${at}`)}`);
      }
      break;
    }
    case 'uncertain': {
      lines.push(head + p.magenta(fr ? 'issue incertaine' : 'outcome uncertain'));
      lines.push(`${INDENT}${p.dim(fr ? 'pourquoi : ' : 'why: ')}${outcome.reason}`);
      lines.push(`${INDENT}${p.dim(fr ? 'référence : ' : 'reference: ')}${outcome.reference}`);
      for (const alt of outcome.alternatives.slice(0, 3)) lines.push(`${INDENT}${alternativeLine(alt, locale, now)}`);
      break;
    }
  }
  return lines;
}

export { INDENT };
