/**
 * The sentences secours itself says to a person, one catalogue per locale (`fr.ts`, `en.ts` in
 * the core; `secours/i18n/de` and the others each behind its own entry point). Short, concrete,
 * never an internal detail: the alternatives carry the "where to go instead".
 *
 * Every text is a function of already-formatted parts, so each language orders them its own way.
 */
export interface Messages extends CallMessages, TitleMessages, HoursMessages {}

/** What the router says: a referral's `reason`, an uncertain outcome's. */
export interface CallMessages {
  /** `where`: the channels that failed, as a list ("the app and the website"); may be empty. */
  unavailable(label: string, where: string): string;
  /** `where`: the channels closed now, as a list. */
  closed(label: string, where: string): string;
  notForThisRequest(label: string): string;
  manual(label: string): string;
  cancelled(): string;
  /** The call's whole budget (`timeoutMs`) ran out before anything served. */
  deadline(label: string): string;
  uncertain(label: string, reference: string): string;
  /** Put before an alternative's instructions on an uncertain outcome. */
  afterCheck(instructions: string | undefined): string;
}

/** Problem titles (RFC 9457 `title`), one per referral code and for an uncertain outcome. */
export interface TitleMessages {
  titleOutage: string;
  titleUnavailable: string;
  titleClosed: string;
  titleNotForThisRequest: string;
  titleManual: string;
  titleCancelled: string;
  titleDeadline: string;
  titleUncertain: string;
}

/** Opening hours (`describeAvailability`); `time` is "09:00" in the locale, `day` "Wednesday". */
export interface HoursMessages {
  openAlways(): string;
  openUntil(time: string): string;
  openUntilTomorrow(time: string): string;
  openUntilDay(day: string, time: string): string;
  opensToday(time: string): string;
  opensTomorrow(time: string): string;
  opensOn(day: string, time: string): string;
  /** Closed, with no opening in the next two weeks. */
  closedForNow(): string;
}

/** What `createRouter({ messages })` takes: any sentence of any locale; the rest falls back. */
export type MessagesOption = Readonly<{ [locale: string]: Partial<Messages> | undefined }>;

/**
 * Every key of Messages; the `title…` ones are strings, the others functions. A word list
 * rather than a table: it ships in every browser bundle of the router.
 */
export const MESSAGE_KEYS = Object.freeze(
  'unavailable closed notForThisRequest manual cancelled deadline uncertain afterCheck titleOutage titleUnavailable titleClosed titleNotForThisRequest titleManual titleCancelled titleDeadline titleUncertain openAlways openUntil openUntilTomorrow openUntilDay opensToday opensTomorrow opensOn closedForNow'.split(
    ' ',
  ),
) as readonly (keyof Messages)[];
