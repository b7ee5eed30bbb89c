// A hook given the wrong thing says which argument, before React calls into it.
import { describe, expect, it } from 'vitest';
import { configError } from '../../test/helpers/config-error.js';
import { laPoste } from '../presets/la-poste.js';
import { createRouter } from '../router.js';
import { usePlan, useRouterStatus, useStatusFeed } from './index.js';

const router = createRouter({ catalog: laPoste });

describe('the hooks refuse what they cannot read, by name', () => {
  const wrong: [string, unknown][] = [
    ['null', null],
    ['a string', '/status'],
    ['an object without the methods', { getSnapshot: 1 }],
    [
      'a proxy whose reads throw',
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('revoked');
          },
        },
      ),
    ],
  ];
  it.each(wrong)('useRouterStatus(%s)', (_, value) => {
    const error = configError(() => useRouterStatus(value as never));
    expect(error.issues).toEqual([
      { path: 'router', message: expect.stringMatching(/^expected a router \(from createRouter\), got /) },
    ]);
    expect(error.message).toContain('Invalid useRouterStatus argument');
  });
  it.each(wrong)('usePlan(%s)', (_, value) => {
    expect(configError(() => usePlan(value as never, 'transfer')).issues[0]?.path).toBe('router');
  });
  it('usePlan given a status client instead of a router', () => {
    const client = { getSnapshot: () => ({}), subscribe: () => () => {} };
    expect(configError(() => usePlan(client as never, 'transfer')).issues[0]?.path).toBe('router');
  });
  it.each(wrong)('useStatusFeed(%s)', (_, value) => {
    const error = configError(() => useStatusFeed(value as never));
    expect(error.issues).toEqual([
      { path: 'client', message: expect.stringMatching(/^expected a status client \(from createStatusClient\), got /) },
    ]);
  });
  it('names what it got without calling it', () => {
    expect(configError(() => useStatusFeed(42 as never)).issues[0]?.message).toMatch(/got 42$/);
    void router;
  });
});
