import type { Locale } from './text.js';

/**
 * The sentences secours itself says to a person. Short, concrete, never an internal detail:
 * the alternatives carry the "where to go instead".
 */
export const messages = {
  unavailable: (locale: Locale, label: string, where: string) =>
    locale === 'fr'
      ? `${label} : service momentanément indisponible${where ? ` (${where})` : ''}.`
      : `${label} is unavailable right now${where ? ` (${where})` : ''}.`,
  closed: (locale: Locale, label: string, where: string) =>
    locale === 'fr' ? `${label} : fermé pour le moment (${where}).` : `${label}: closed right now (${where}).`,
  notForThisRequest: (locale: Locale, label: string) =>
    locale === 'fr'
      ? `${label} : impossible en ligne pour cette demande.`
      : `${label} cannot be done automatically for this request.`,
  manual: (locale: Locale, label: string) =>
    locale === 'fr' ? `${label} : voici où vous adresser.` : `${label}: here is where to go.`,
  cancelled: (locale: Locale) =>
    locale === 'fr' ? "La demande a été annulée avant d'aboutir." : 'The request was cancelled before it completed.',
  deadline: (locale: Locale, label: string) =>
    locale === 'fr'
      ? `${label} : le service n'a pas répondu à temps.`
      : `${label}: the service did not answer in time.`,
  uncertain: (locale: Locale, label: string, reference: string) =>
    locale === 'fr'
      ? `Nous n'avons pas pu confirmer que votre demande (${label}) a abouti. Vérifiez avant de réessayer, en citant la référence ${reference}.`
      : `We could not confirm whether your request (${label}) went through. Check before trying again, quoting reference ${reference}.`,
  afterCheck: (locale: Locale, instructions: string | undefined) => {
    const first =
      locale === 'fr'
        ? "Seulement après avoir vérifié que votre première demande n'a pas abouti"
        : 'Only once you have checked that your first request did not go through';
    if (instructions === undefined) return `${first}.`;
    return locale === 'fr' ? `${first} : ${instructions}` : `${first}: ${instructions}`;
  },
  list: (locale: Locale, items: readonly string[]) => {
    if (items.length <= 1) return items.join('');
    const last = items[items.length - 1];
    return `${items.slice(0, -1).join(', ')} ${locale === 'fr' ? 'et' : 'and'} ${last}`;
  },
};
