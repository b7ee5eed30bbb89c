// `createRouter({ messages })` checked and copied: every locale a tag, every sentence a known
// one of the right type, each read once, into null-prototype tables keyed by canonical tags.
// Written small: it ships in every browser bundle of the router.
import { isPlainObject } from '../depth-guard.js';
import type { ConfigIssue } from '../errors.js';
import { capIssues, MAX_ISSUES } from '../validate.js';
import { canonicalLocale, LOCALE_EXPECTED } from './locale.js';
import { MESSAGE_KEYS, type Messages, type MessagesOption } from './messages.js';

/** More locales than any application speaks: a bound on what is checked and kept. */
export const MAX_MESSAGE_LOCALES = 200;

/** The option's own copy, or issues with their paths (`messages.de.unavailable`). */
export function checkMessages(value: unknown): { messages?: MessagesOption; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  // Past the listed ones, only counted: 300 000 unknown keys would build 300 000 messages.
  let more = 0;
  const bad = (path: string, message: string) => {
    if (issues.length < MAX_ISSUES) issues.push({ path: `messages${path}`, message });
    else more++;
  };
  const out: Record<string, Partial<Messages>> = Object.create(null);
  try {
    const tags = isPlainObject(value) ? Object.keys(value) : [];
    if (value !== undefined && !isPlainObject(value))
      bad('', 'expected an object: { [locale]: { unavailable: …, … } }');
    else if (tags.length > MAX_MESSAGE_LOCALES) bad('', `expected at most ${MAX_MESSAGE_LOCALES} locales`);
    else {
      for (const tag of tags) {
        const locale = canonicalLocale(tag);
        const given = (value as Record<string, unknown>)[tag];
        // Two keys of one locale (`EN` and `en`) would make one of them silently lost.
        if (locale === undefined || Object.hasOwn(out, locale)) bad(`.${tag}`, LOCALE_EXPECTED);
        else if (!isPlainObject(given)) bad(`.${tag}`, 'expected an object of sentences');
        else {
          const copy: Record<string, unknown> = Object.create(null);
          for (const key of Object.keys(given)) {
            const v = given[key];
            const known = MESSAGE_KEYS.includes(key as keyof Messages);
            const kind = key.startsWith('title') ? 'string' : 'function';
            if (known && typeof v === kind && v !== '') copy[key] = v;
            else if (!known) bad(`.${tag}.${key}`, `unknown sentence; known: ${MESSAGE_KEYS.join(', ')}`);
            else if (v !== undefined)
              bad(`.${tag}.${key}`, `expected a ${kind === 'string' ? 'non-empty string' : kind}`);
          }
          out[locale] = Object.freeze(copy);
        }
      }
    }
  } catch (error) {
    // A getter or a proxy of the caller's: its throw is a config problem, not a crash.
    bad('', `could not be read: ${String(error)}`);
  }
  // Capped here, for every caller: 300 000 issues spread into another list overflowed the stack.
  return issues.length || more || value === undefined
    ? { issues: capIssues(issues, more) }
    : { messages: Object.freeze(out), issues };
}
