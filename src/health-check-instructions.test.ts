import { describe, expect, it } from 'vitest';
import { defineCatalog } from './catalog.js';
import { ConfigError } from './errors.js';
import { toProblem } from './http/problem.js';
import { laPoste } from './presets/la-poste.js';
import { createRouter } from './router.js';

describe('checkInstructions: what to do when it may have happened', () => {
  it('an uncertain outcome carries the check of the route that may have run, localised, and the problem too', async () => {
    const router = createRouter({
      catalog: laPoste,
      handlers: { transfer: { app: () => Promise.reject(new Error('connection reset')) } },
    });
    const outcome = await router.execute('transfer', {}, { locale: 'en' });
    expect(outcome.kind).toBe('uncertain');
    if (outcome.kind !== 'uncertain') throw new Error('expected uncertain');
    expect(outcome.checkInstructions).toMatch(/^Before making the transfer again, look at your account history/);
    const fr = await router.execute('transfer', {}, { locale: 'fr' });
    expect(fr.kind === 'uncertain' && fr.checkInstructions).toMatch(/^Avant de refaire le virement/);
    const problem = toProblem(outcome, { locale: 'en' });
    expect(problem.checkInstructions).toBe(outcome.checkInstructions);
    expect(problem.reference).toBe(outcome.reference);
    router.dispose();
  });

  it('the alternatives of an uncertain outcome are to use only once the person checked', async () => {
    const router = createRouter({
      catalog: laPoste,
      handlers: { transfer: { app: () => Promise.reject(new Error('connection reset')) } },
    });
    const outcome = await router.execute('transfer', {}, { locale: 'en' });
    if (outcome.kind !== 'uncertain') throw new Error('expected uncertain');
    expect(outcome.alternatives.length).toBeGreaterThan(0);
    for (const a of outcome.alternatives) {
      expect(a.afterCheck).toBe(true);
      expect(a.instructions).toMatch(/^Only once you have checked that your first request did not go through/);
    }
    expect(outcome.alternatives.map((a) => a.channel)).not.toContain('app');
    // A referral's alternatives are plain: nothing happened.
    const referred = await createRouter({ catalog: laPoste }).execute('transfer', {}, { locale: 'en' });
    expect(referred.kind).toBe('referred');
    for (const a of referred.kind === 'referred' ? referred.alternatives : []) expect(a.afterCheck).toBeUndefined();
    router.dispose();
  });

  it('a route without a check gives none, and the problem has no such member', async () => {
    const catalog = defineCatalog({
      channels: { app: { kind: 'digital', label: 'app' }, phone: { kind: 'phone', label: 'phone' } },
      operations: { pay: { label: 'Pay', routes: [{ channel: 'app' }, { channel: 'phone' }] } },
    });
    const router = createRouter({ catalog, handlers: { pay: { app: () => Promise.reject(new Error('?')) } } });
    const outcome = await router.execute('pay', {}, { locale: 'en' });
    if (outcome.kind !== 'uncertain') throw new Error('expected uncertain');
    expect(outcome.checkInstructions).toBeUndefined();
    expect('checkInstructions' in toProblem(outcome)).toBe(false);
    expect(outcome.alternatives[0]).toMatchObject({
      channel: 'phone',
      afterCheck: true,
      instructions: 'Only once you have checked that your first request did not go through.',
    });
    router.dispose();
  });

  it('is validated as text, with its path', () => {
    let error: unknown;
    try {
      defineCatalog({
        channels: { app: { kind: 'digital', label: 'app' } },
        operations: { pay: { label: 'Pay', routes: [{ channel: 'app', checkInstructions: 42 as never }] } },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['operations.pay.routes[0].checkInstructions']);
  });

  it('the La Poste preset says how to check every automatable money route, in fr and en', () => {
    const ops = laPoste.operations as Record<
      string,
      { routes: readonly { channel: string; checkInstructions?: unknown }[] }
    >;
    for (const channel of ['app', 'web', 'wero', 'phone-3639']) {
      const route = ops.transfer?.routes.find((r) => r.channel === channel);
      expect(route?.checkInstructions, channel).toEqual({ fr: expect.any(String), en: expect.any(String) });
    }
    for (const op of ['stamp-purchase', 'postage']) {
      for (const channel of ['app', 'web']) {
        const route = ops[op]?.routes.find((r) => r.channel === channel);
        expect(route?.checkInstructions, `${op}/${channel}`).toEqual({
          fr: expect.any(String),
          en: expect.any(String),
        });
      }
    }
  });
});
