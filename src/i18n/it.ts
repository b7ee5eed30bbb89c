/**
 * Italian. Its own entry point (`secours/i18n/it`), so the core does not carry it:
 * `createRouter({ messages: { it } })`.
 */
import type { Messages } from './messages.js';

export const it: Messages = Object.freeze<Messages>({
  unavailable: (label, where) => `${label}: servizio momentaneamente non disponibile${where ? ` (${where})` : ''}.`,
  closed: (label, where) => `${label}: chiuso in questo momento (${where}).`,
  notForThisRequest: (label) => `${label}: non è possibile online per questa richiesta.`,
  manual: (label) => `${label}: ecco a chi rivolgersi.`,
  cancelled: () => 'La richiesta è stata annullata prima di essere completata.',
  deadline: (label) => `${label}: il servizio non ha risposto in tempo.`,
  uncertain: (label, reference) =>
    `Non siamo riusciti a confermare se la sua richiesta (${label}) è andata a buon fine. Verifichi prima di riprovare, indicando il riferimento ${reference}.`,
  afterCheck: (instructions) =>
    `Solo dopo aver verificato che la sua prima richiesta non è andata a buon fine${instructions === undefined ? '.' : `: ${instructions}`}`,
  titleOutage: 'Servizio interrotto',
  titleUnavailable: 'Servizio temporaneamente non disponibile',
  titleClosed: 'Servizio chiuso in questo momento',
  titleNotForThisRequest: 'Non possibile online per questa richiesta',
  titleManual: 'Da fare in un altro modo',
  titleCancelled: 'Richiesta annullata',
  titleDeadline: 'Nessuna risposta in tempo',
  titleUncertain: 'Esito incerto: verifichi prima di riprovare',
  openAlways: () => 'aperto 24 ore su 24',
  openUntil: (time) => `aperto fino alle ${time}`,
  openUntilTomorrow: (time) => `aperto fino a domani alle ${time}`,
  openUntilDay: (day, time) => `aperto fino a ${day} alle ${time}`,
  opensToday: (time) => `apre alle ${time}`,
  opensTomorrow: (time) => `apre domani alle ${time}`,
  opensOn: (day, time) => `apre ${day} alle ${time}`,
  closedForNow: () => 'chiuso per ora',
});
