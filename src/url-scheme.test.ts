import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configError } from '../test/helpers/config-error.js';
import { parseCatalog } from './catalog.js';
import { linkProblem } from './url-scheme.js';

const withContact = (contact: Record<string, string>) => ({
  channels: { app: { kind: 'digital', label: 'App', contact } },
  operations: {},
});
const contactIssues = (contact: Record<string, string>) => {
  try {
    parseCatalog(withContact(contact));
    return [];
  } catch {
    return configError(() => parseCatalog(withContact(contact))).issues.map((i) => i.path);
  }
};

const DANGEROUS = ['javascript', 'vbscript', 'data', 'file', 'blob'];
// What the WHATWG URL parser strips or drops before it reads a scheme.
const invisible = fc.constantFrom('\t', '\n', '\r', ' ', '\u0000', '\u0001', '\u001f', '\u000b', '\u000c', '\u007f');

describe('links shown to people', () => {
  it.each([
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0001javascript:alert(1)',
    'da\tta:text/html,<script>alert(1)</script>',
    'JAVASCRIPT:alert(1)',
    '   javascript:alert(1)',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'blob:https://example.com/1',
    'javascript:alert(1)',
  ])('refuses the deep link %j', (deepLink) => {
    expect(contactIssues({ deepLink })).toEqual(['channels.app.contact.deepLink']);
    // As a web address too.
    expect(contactIssues({ url: deepLink })).toEqual(['channels.app.contact.url']);
  });

  it.each(['labanquepostale://virement', 'https://www.labanquepostale.fr/', 'tel:3639', 'mailto:a@example.com'])(
    'accepts the deep link %j',
    (deepLink) => {
      expect(contactIssues({ deepLink })).toEqual([]);
    },
  );

  it('refuses a relative deep link, which a page would resolve against its own address', () => {
    expect(linkProblem('virement')).toMatch(/absolute/);
    expect(contactIssues({ deepLink: '/virement' })).toEqual(['channels.app.contact.deepLink']);
  });

  it('accepts only http(s) web addresses, with no hidden characters', () => {
    expect(contactIssues({ url: 'https://www.laposte.fr/' })).toEqual([]);
    expect(contactIssues({ url: 'ftp://example.com/' })).toEqual(['channels.app.contact.url']);
    expect(contactIssues({ url: 'https://www.lap\tposte.fr/' })).toEqual(['channels.app.contact.url']);
  });

  it('says what is wrong with a link', () => {
    const error = configError(() => parseCatalog(withContact({ deepLink: 'java\tscript:alert(1)' })));
    expect(error.issues).toEqual([
      { path: 'channels.app.contact.deepLink', message: 'must not be a javascript: link' },
    ]);
  });

  it('refuses a dangerous scheme with control characters or spaces anywhere in or around it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DANGEROUS),
        fc.array(fc.tuple(fc.nat(), invisible), { maxLength: 4 }),
        fc.boolean(),
        fc.constantFrom('alert(1)', '//host/x', 'text/html,<b>x</b>'),
        (scheme, inserts, upper, rest) => {
          let link = `${upper ? scheme.toUpperCase() : scheme}:`;
          for (const [at, ch] of inserts) {
            const i = at % (link.length + 1);
            link = link.slice(0, i) + ch + link.slice(i);
          }
          link += rest;
          expect(linkProblem(link)).toBeDefined();
          expect(contactIssues({ deepLink: link })).toEqual(['channels.app.contact.deepLink']);
          // Refused by its scheme, the way a browser reads it, whatever the characters around it.
          let seen: string | undefined;
          try {
            seen = new URL(link).protocol;
          } catch {}
          if (seen === `${scheme}:`) expect(linkProblem(link)).toBe(`must not be a ${scheme}: link`);
        },
      ),
      { numRuns: 500 },
    );
  });
});
