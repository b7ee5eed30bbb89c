import { ID } from './catalog-schema.js';
import type { ConfigIssue } from './errors.js';
import { parseInterval } from './hours.js';
import { shortList } from './short-list.js';
import { isTimeZone } from './time-zone.js';
import { isPlainObject, unsafeObjects } from './validate.js';

/**
 * What zod cannot see: ids that would be unsafe as keys, routes naming unknown channels,
 * duplicate routes, hours that do not parse or overlap, unknown time zones. Reads the raw
 * input defensively, so its problems are reported together with zod's.
 */
export function crossCheck(input: unknown): ConfigIssue[] {
  const issues = unsafeObjects(input);
  if (!isPlainObject(input)) return issues;
  const channelIds = new Set<string>();
  for (const group of ['channels', 'operations'] as const) {
    const table = input[group];
    if (!isPlainObject(table)) continue;
    for (const id of Object.keys(table)) {
      // unsafeObjects already reported a `__proto__` key.
      if (!ID.test(id) && id !== '__proto__') {
        issues.push({
          path: `${group}.${id}`,
          message: `invalid id \`${id}\`: use letters, digits, '.', '_' or '-', starting with a letter or digit`,
        });
      }
      if (group === 'channels') channelIds.add(id);
    }
  }
  // Listed once: a message per unknown channel must not copy a list of 10,000 ids each time.
  const known = shortList([...channelIds]);
  const channels = isPlainObject(input.channels) ? input.channels : {};
  for (const [id, channel] of Object.entries(channels)) {
    if (!isPlainObject(channel) || !isPlainObject(channel.hours)) continue;
    const hours = channel.hours;
    const at = `channels.${id}.hours`;
    if (typeof hours.timeZone === 'string' && hours.timeZone.trim() && !isTimeZone(hours.timeZone)) {
      issues.push({ path: `${at}.timeZone`, message: `unknown IANA time zone \`${hours.timeZone}\`` });
    }
    if (!isPlainObject(hours.weekly)) continue;
    for (const [day, intervals] of Object.entries(hours.weekly)) {
      if (!Array.isArray(intervals)) continue;
      let previousEnd = -1;
      intervals.forEach((interval, i) => {
        const path = `${at}.weekly.${day}[${i}]`;
        const parsed = typeof interval === 'string' ? parseInterval(interval) : undefined;
        if (!parsed) {
          issues.push({ path, message: `expected an interval like "08:30-19:00", got ${JSON.stringify(interval)}` });
          return;
        }
        if (parsed[0] < previousEnd) {
          issues.push({ path, message: `interval "${interval}" overlaps or comes before the previous one` });
        }
        previousEnd = parsed[1];
      });
    }
  }
  const operations = isPlainObject(input.operations) ? input.operations : {};
  for (const [id, operation] of Object.entries(operations)) {
    if (!isPlainObject(operation) || !Array.isArray(operation.routes)) continue;
    const seen = new Map<string, number>();
    operation.routes.forEach((route: unknown, i) => {
      if (!isPlainObject(route) || typeof route.channel !== 'string') return;
      const path = `operations.${id}.routes[${i}].channel`;
      if (!channelIds.has(route.channel)) {
        issues.push({
          path,
          message: `unknown channel \`${route.channel}\`; known channels: ${known}`,
        });
      }
      const first = seen.get(route.channel);
      if (first !== undefined) {
        issues.push({ path, message: `duplicate route: channel \`${route.channel}\` is already routes[${first}]` });
      } else seen.set(route.channel, i);
      const limits = route.limits;
      if (isPlainObject(limits) && typeof limits.minAmount === 'number' && typeof limits.maxAmount === 'number') {
        if (limits.minAmount > limits.maxAmount) {
          issues.push({ path: `operations.${id}.routes[${i}].limits`, message: 'minAmount is larger than maxAmount' });
        }
      }
    });
  }
  return issues;
}
