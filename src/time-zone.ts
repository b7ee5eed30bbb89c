/**
 * Time zones checked and formatters built once, in small bounded caches: a zone is any string a
 * catalogue or a scenario names, and IANA names are case-insensitive (`europe/paris` and
 * `EUROPE/PARIS` are valid too), so an unbounded cache would grow with every string tried.
 */
const MAX_ZONES = 64;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The formatter that reads a wall-clock date and time in `timeZone`; throws RangeError for an unknown zone. */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    // The oldest goes first: zones in use are asked for again and come back.
    if (formatters.size >= MAX_ZONES) formatters.delete(formatters.keys().next().value as string);
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `tz` is a time zone this runtime knows. Only valid zones are cached (see above). */
export function isTimeZone(tz: string): boolean {
  try {
    zoneFormatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** How many zones are cached, for the test that they stay bounded. */
export function cachedZoneCount(): number {
  return formatters.size;
}
