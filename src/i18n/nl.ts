/**
 * Dutch. Its own entry point (`secours/i18n/nl`), so the core does not carry it:
 * `createRouter({ messages: { nl } })`.
 */
import type { Messages } from './messages.js';

export const nl: Messages = Object.freeze<Messages>({
  unavailable: (label, where) => `${label} is op dit moment niet beschikbaar${where ? ` (${where})` : ''}.`,
  closed: (label, where) => `${label}: op dit moment gesloten (${where}).`,
  notForThisRequest: (label) => `${label} kan voor dit verzoek niet online worden afgehandeld.`,
  manual: (label) => `${label}: hier kunt u terecht.`,
  cancelled: () => 'Het verzoek is geannuleerd voordat het was afgerond.',
  deadline: (label) => `${label}: de dienst heeft niet op tijd geantwoord.`,
  uncertain: (label, reference) =>
    `We konden niet bevestigen of uw verzoek (${label}) is uitgevoerd. Controleer dit voordat u het opnieuw probeert en vermeld daarbij referentie ${reference}.`,
  afterCheck: (instructions) =>
    `Pas nadat u hebt gecontroleerd dat uw eerste verzoek niet is uitgevoerd${instructions === undefined ? '.' : `: ${instructions}`}`,
  titleOutage: 'Dienst onderbroken',
  titleUnavailable: 'Dienst tijdelijk niet beschikbaar',
  titleClosed: 'Dienst op dit moment gesloten',
  titleNotForThisRequest: 'Online niet mogelijk voor dit verzoek',
  titleManual: 'Op een andere manier te regelen',
  titleCancelled: 'Verzoek geannuleerd',
  titleDeadline: 'Geen antwoord op tijd',
  titleUncertain: 'Uitkomst onzeker: controleer dit voordat u het opnieuw probeert',
  openAlways: () => 'dag en nacht open',
  openUntil: (time) => `open tot ${time}`,
  openUntilTomorrow: (time) => `open tot morgen ${time}`,
  openUntilDay: (day, time) => `open tot ${day} ${time}`,
  opensToday: (time) => `gaat om ${time} open`,
  opensTomorrow: (time) => `gaat morgen om ${time} open`,
  opensOn: (day, time) => `gaat ${day} om ${time} open`,
  closedForNow: () => 'voorlopig gesloten',
});
