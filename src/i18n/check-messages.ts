// `createRouter({ messages })` checked and copied: every locale a tag, every sentence a known
// one of the right type, each read once, into null-prototype tables keyed by canonical tags.
import { isPlainObject } from '../depth-guard.js';
import type { ConfigIssue } from '../errors.js';
import { shortList } from '../short-list.js';
import { canonicalLocale, LOCALE_EXPECTED } from './locale.js';
import { MESSAGE_KEYS, type Messages, type MessagesOption } from './messages.js';

/** More locales than any application speaks: a bound on what is checked and kept. */
export const MAX_MESSAGE_LOCALES = 200;

/** The option's own copy, or issues with their paths (`messages.de.unavailable`). */
export function checkMessages(value: unknown): { messages?: MessagesOption; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  if (value === undefined) return { issues };
  if (!isPlainObject(value)) {
    return { issues: [{ path: 'messages', message: 'expected an object: { [locale]: { unavailable: …, … } }' }] };
  }
  const out: Record<string, Partial<Messages>> = Object.create(null);
  try {
    const tags = Object.keys(value);
    if (tags.length > MAX_MESSAGE_LOCALES) {
      return {
        issues: [{ path: 'messages', message: `expected at most ${MAX_MESSAGE_LOCALES} locales, got ${tags.length}` }],
      };
    }
    for (const tag of tags) {
      const path = `messages.${tag}`;
      const locale = canonicalLocale(tag);
      if (locale === undefined) {
        issues.push({ path, message: LOCALE_EXPECTED });
        continue;
      }
      if (Object.hasOwn(out, locale)) {
        issues.push({ path, message: `the same locale as another key (${locale})` });
        continue;
      }
      const given = value[tag];
      if (!isPlainObject(given)) {
        issues.push({ path, message: 'expected an object of sentences, e.g. { unavailable: (label, where) => … }' });
        continue;
      }
      const copy: Record<string, unknown> = Object.create(null);
      for (const key of Object.keys(given)) {
        const kind = MESSAGE_KEYS.includes(key as keyof Messages)
          ? key.startsWith('title')
            ? 'string'
            : 'function'
          : undefined;
        const v = given[key];
        if (kind === undefined) {
          issues.push({
            path: `${path}.${key}`,
            message: `unknown sentence; known: ${shortList(MESSAGE_KEYS)}`,
          });
        } else if (kind === 'function' ? typeof v !== 'function' : typeof v !== 'string' || v.trim() === '') {
          if (v !== undefined) {
            issues.push({
              path: `${path}.${key}`,
              message: kind === 'function' ? 'expected a function' : 'expected a non-empty string',
            });
          }
        } else {
          copy[key] = v;
        }
      }
      out[locale] = Object.freeze(copy) as Partial<Messages>;
    }
  } catch (error) {
    // A getter or a proxy of the caller's: its throw is a config problem, not a crash.
    return { issues: [{ path: 'messages', message: `could not be read: ${String(error)}` }] };
  }
  return issues.length ? { issues } : { messages: Object.freeze(out), issues };
}
