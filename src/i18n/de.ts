/**
 * German. Its own entry point (`secours/i18n/de`), so the core does not carry it:
 * `createRouter({ messages: { de } })`.
 */
import type { Messages } from './messages.js';

export const de: Messages = Object.freeze<Messages>({
  unavailable: (label, where) => `${label} ist im Moment nicht verfügbar${where ? ` (${where})` : ''}.`,
  closed: (label, where) => `${label}: im Moment geschlossen (${where}).`,
  notForThisRequest: (label) => `${label} ist für diese Anfrage nicht online möglich.`,
  manual: (label) => `${label}: Hier erfahren Sie, wohin Sie sich wenden können.`,
  cancelled: () => 'Die Anfrage wurde abgebrochen, bevor sie abgeschlossen war.',
  deadline: (label) => `${label}: Der Dienst hat nicht rechtzeitig geantwortet.`,
  uncertain: (label, reference) =>
    `Wir konnten nicht bestätigen, ob Ihre Anfrage (${label}) ausgeführt wurde. Bitte prüfen Sie das, bevor Sie es erneut versuchen, und geben Sie dabei die Referenz ${reference} an.`,
  afterCheck: (instructions) =>
    `Erst wenn Sie geprüft haben, dass Ihre erste Anfrage nicht ausgeführt wurde${instructions === undefined ? '.' : `: ${instructions}`}`,
  titleOutage: 'Dienst unterbrochen',
  titleUnavailable: 'Dienst vorübergehend nicht verfügbar',
  titleClosed: 'Dienst im Moment geschlossen',
  titleNotForThisRequest: 'Für diese Anfrage nicht online möglich',
  titleManual: 'Auf anderem Weg zu erledigen',
  titleCancelled: 'Anfrage abgebrochen',
  titleDeadline: 'Keine rechtzeitige Antwort',
  titleUncertain: 'Ergebnis unklar: bitte vor einem neuen Versuch prüfen',
  openAlways: () => 'rund um die Uhr geöffnet',
  openUntil: (time) => `geöffnet bis ${time} Uhr`,
  openUntilTomorrow: (time) => `geöffnet bis morgen, ${time} Uhr`,
  openUntilDay: (day, time) => `geöffnet bis ${day}, ${time} Uhr`,
  opensToday: (time) => `öffnet um ${time} Uhr`,
  opensTomorrow: (time) => `öffnet morgen um ${time} Uhr`,
  opensOn: (day, time) => `öffnet am ${day} um ${time} Uhr`,
  closedForNow: () => 'vorerst geschlossen',
});
