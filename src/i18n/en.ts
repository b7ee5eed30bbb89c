import type { CallMessages, HoursMessages, Messages, TitleMessages } from './messages.js';

// Three parts, so a bundle carries only the ones it uses (the router, toProblem, describeAvailability).
export const enCall: CallMessages = {
  unavailable: (label, where) => `${label} is unavailable right now${where ? ` (${where})` : ''}.`,
  closed: (label, where) => `${label}: closed right now (${where}).`,
  notForThisRequest: (label) => `${label} cannot be done automatically for this request.`,
  manual: (label) => `${label}: here is where to go.`,
  cancelled: () => 'The request was cancelled before it completed.',
  deadline: (label) => `${label}: the service did not answer in time.`,
  uncertain: (label, reference) =>
    `We could not confirm whether your request (${label}) went through. Check before trying again, quoting reference ${reference}.`,
  afterCheck: (instructions) =>
    `Only once you have checked that your first request did not go through${instructions === undefined ? '.' : `: ${instructions}`}`,
};

export const enTitles: TitleMessages = {
  titleOutage: 'Service interrupted',
  titleUnavailable: 'Service temporarily unavailable',
  titleClosed: 'Service closed right now',
  titleNotForThisRequest: 'Not possible online for this request',
  titleManual: 'To be done another way',
  titleCancelled: 'Request cancelled',
  titleDeadline: 'No answer in time',
  titleUncertain: 'Outcome uncertain: check before retrying',
};

export const enHours: HoursMessages = {
  openAlways: () => 'open 24/7',
  openUntil: (time) => `open until ${time}`,
  openUntilTomorrow: (time) => `open until ${time} tomorrow`,
  openUntilDay: (day, time) => `open until ${day} at ${time}`,
  opensToday: (time) => `opens at ${time}`,
  opensTomorrow: (time) => `opens tomorrow at ${time}`,
  opensOn: (day, time) => `opens ${day} at ${time}`,
  closedForNow: () => 'closed for now',
};

/** English. Every sentence, for `createRouter({ messages })` or `describeAvailability`. */
// Marked pure so a bundle that never names it drops the parts it does not use.
export const en: Messages = /* @__PURE__ */ Object.freeze(/* @__PURE__ */ Object.assign({}, enCall, enTitles, enHours));
