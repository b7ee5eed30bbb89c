/**
 * Spanish. Its own entry point (`secours/i18n/es`), so the core does not carry it:
 * `createRouter({ messages: { es } })`.
 */
import type { Messages } from './messages.js';

// "a las 09:00" but "a la 01:00": the article agrees with the hour (one o'clock is singular).
const las = (time: string) => (/^0?1\D/.test(time) ? `la ${time}` : `las ${time}`);

export const es: Messages = Object.freeze<Messages>({
  unavailable: (label, where) => `${label}: servicio no disponible en este momento${where ? ` (${where})` : ''}.`,
  closed: (label, where) => `${label}: cerrado en este momento (${where}).`,
  notForThisRequest: (label) => `${label}: no es posible en línea para esta solicitud.`,
  manual: (label) => `${label}: le indicamos adónde dirigirse.`,
  cancelled: () => 'La solicitud se canceló antes de completarse.',
  deadline: (label) => `${label}: el servicio no respondió a tiempo.`,
  uncertain: (label, reference) =>
    `No hemos podido confirmar si su solicitud (${label}) se ha completado. Compruébelo antes de volver a intentarlo e indique la referencia ${reference}.`,
  afterCheck: (instructions) =>
    `Solo después de comprobar que su primera solicitud no se ha completado${instructions === undefined ? '.' : `: ${instructions}`}`,
  titleOutage: 'Servicio interrumpido',
  titleUnavailable: 'Servicio no disponible temporalmente',
  titleClosed: 'Servicio cerrado en este momento',
  titleNotForThisRequest: 'No es posible en línea para esta solicitud',
  titleManual: 'Debe hacerse por otra vía',
  titleCancelled: 'Solicitud cancelada',
  titleDeadline: 'Sin respuesta a tiempo',
  titleUncertain: 'Resultado incierto: compruébelo antes de volver a intentarlo',
  openAlways: () => 'abierto las 24 horas',
  openUntil: (time) => `abierto hasta ${las(time)}`,
  openUntilTomorrow: (time) => `abierto hasta mañana a ${las(time)}`,
  openUntilDay: (day, time) => `abierto hasta el ${day} a ${las(time)}`,
  opensToday: (time) => `abre a ${las(time)}`,
  opensTomorrow: (time) => `abre mañana a ${las(time)}`,
  opensOn: (day, time) => `abre el ${day} a ${las(time)}`,
  closedForNow: () => 'cerrado por ahora',
});
