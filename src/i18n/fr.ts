import type { CallMessages, HoursMessages, Messages, TitleMessages } from './messages.js';

// Three parts, so a bundle carries only the ones it uses (the router, toProblem, describeAvailability).
export const frCall: CallMessages = {
  unavailable: (label, where) => `${label} : service momentanément indisponible${where ? ` (${where})` : ''}.`,
  closed: (label, where) => `${label} : fermé pour le moment (${where}).`,
  notForThisRequest: (label) => `${label} : impossible en ligne pour cette demande.`,
  manual: (label) => `${label} : voici où vous adresser.`,
  cancelled: () => "La demande a été annulée avant d'aboutir.",
  deadline: (label) => `${label} : le service n'a pas répondu à temps.`,
  uncertain: (label, reference) =>
    `Nous n'avons pas pu confirmer que votre demande (${label}) a abouti. Vérifiez avant de réessayer, en citant la référence ${reference}.`,
  afterCheck: (instructions) =>
    `Seulement après avoir vérifié que votre première demande n'a pas abouti${instructions === undefined ? '.' : ` : ${instructions}`}`,
};

export const frTitles: TitleMessages = {
  titleOutage: 'Service interrompu',
  titleUnavailable: 'Service momentanément indisponible',
  titleClosed: 'Service fermé pour le moment',
  titleNotForThisRequest: 'Impossible en ligne pour cette demande',
  titleManual: 'À faire par un autre moyen',
  titleCancelled: 'Demande annulée',
  titleDeadline: 'Pas de réponse à temps',
  titleUncertain: 'Issue incertaine : vérifiez avant de réessayer',
};

export const frHours: HoursMessages = {
  openAlways: () => 'ouvert 24 h/24',
  openUntil: (time) => `ouvert jusqu'à ${time}`,
  openUntilTomorrow: (time) => `ouvert jusqu'à demain ${time}`,
  openUntilDay: (day, time) => `ouvert jusqu'à ${day} ${time}`,
  opensToday: (time) => `ouvre à ${time}`,
  opensTomorrow: (time) => `ouvre demain à ${time}`,
  opensOn: (day, time) => `ouvre ${day} à ${time}`,
  closedForNow: () => 'fermé pour le moment',
};

/** French: the library's first language, and the default one. Every sentence, for `createRouter({ messages })` or `describeAvailability`. */
// Marked pure so a bundle that never names it drops the parts it does not use.
export const fr: Messages = /* @__PURE__ */ Object.freeze(/* @__PURE__ */ Object.assign({}, frCall, frTitles, frHours));
