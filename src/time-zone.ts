/**
 * Time zones checked and formatters built once, in small bounded caches: a zone is any string a
 * catalogue or a scenario names, and IANA names are case-insensitive (`europe/paris` and
 * `EUROPE/PARIS` are valid too), so an unbounded cache would grow with every string tried.
 */
const MAX_ZONES = 64;

/** A Map that forgets its least recently used entry past `MAX_ZONES`. */
function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > MAX_ZONES) cache.delete(cache.keys().next().value as string);
  return value;
}

function recall<V>(cache: Map<string, V>, key: string): V | undefined {
  const value = cache.get(key);
  if (value !== undefined) remember(cache, key, value);
  return value;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The formatter that reads a wall-clock date and time in `timeZone`; throws RangeError for an unknown zone. */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  return (
    recall(formatters, timeZone) ??
    remember(
      formatters,
      timeZone,
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        weekday: 'short',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }),
    )
  );
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
