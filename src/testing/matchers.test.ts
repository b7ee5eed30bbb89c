import { describe, expect, it } from 'vitest';
import { defineCatalog } from '../index.js';
import { describeOutcome } from './matchers.js';
import { createTestRouter } from './test-router.js';
import './vitest.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'App' },
    wero: { kind: 'digital', label: 'Wero' },
    'phone-3639': {
      kind: 'phone',
      label: '3639',
      hours: { timeZone: 'Europe/Paris', weekly: { mon: ['08:00-20:00'] } },
    },
    counter: {
      kind: 'in-person',
      label: 'Counter',
      hours: { timeZone: 'Europe/Paris', weekly: { mon: ['14:00-17:00'] } },
    },
  },
  operations: {
    transfer: {
      label: 'Transfer',
      routes: [{ channel: 'app' }, { channel: 'wero' }, { channel: 'phone-3639' }, { channel: 'counter' }],
    },
  },
});

/** The failure message of an assertion that must fail. */
function failure(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the assertion passed');
}

describe('matchers', () => {
  it('toBeServedBy, with a message that shows where the outcome went instead', async () => {
    const { execute, chaos } = createTestRouter({ catalog, handlers: { transfer: { app: async () => 'ok' } } });
    const served = await execute('transfer', {});
    expect(served).toBeServedBy('app');
    expect(served).toBeServedBy();
    expect(served).not.toBeServedBy('wero');
    chaos.down('app');
    const referred = await execute('transfer', {}, { locale: 'en' });
    expect(failure(() => expect(referred).toBeServedBy('app'))).toBe(
      [
        'expected the outcome to be served by `app`, but it was referred (code unavailable): "Transfer is unavailable right now (App)."',
        '  alternatives: wero (open), phone-3639 (open until 2026-01-05T19:00:00.000Z), counter (closed, opens 2026-01-05T13:00:00.000Z)',
        '  attempts: app not-executed (NotExecutedError: chaos: `app` is down)',
      ].join('\n'),
    );
  });

  it('toBeReferredTo one channel, or several in order', async () => {
    const { execute, chaos } = createTestRouter({ catalog, handlers: { transfer: { app: async () => 'ok' } } });
    chaos.down('app');
    const outcome = await execute('transfer', {});
    expect(outcome).toBeReferredTo('phone-3639');
    expect(outcome).toBeReferredTo('wero', 'phone-3639', 'counter');
    expect(outcome).toBeReferredTo('wero', 'counter');
    expect(outcome).not.toBeReferredTo('counter', 'wero');
    expect(failure(() => expect(outcome).toBeReferredTo('counter', 'wero'))).toMatch(
      /^expected the outcome to be referred to `counter`, then `wero`, but it was referred \(code unavailable\)/,
    );
    expect(failure(() => expect(outcome).not.toBeReferredTo('wero'))).toMatch(
      /^expected the outcome not to be referred to `wero`/,
    );
  });

  it('toBeUncertain, with or without the reference', async () => {
    const { execute, chaos } = createTestRouter({ catalog, handlers: { transfer: { app: async () => 'ok' } } });
    chaos.fail('app');
    const outcome = await execute('transfer', {}, { idempotencyKey: 'ref-7' });
    expect(outcome).toBeUncertain();
    expect(outcome).toBeUncertain('ref-7');
    expect(failure(() => expect(outcome).toBeUncertain('ref-8'))).toMatch(
      /^expected the outcome to be uncertain with reference ref-8, but it was uncertain on `app`, reference ref-7\n {2}alternatives: wero \(open\)/,
    );
    expect(failure(() => expect(outcome).toBeServedBy())).toMatch(
      /attempts: app failure \(ChaosError: chaos: `transfer` on `app` failed \(fail\)\)$/,
    );
  });

  it('toHaveChannelStatus on a router or a snapshot', async () => {
    const { router } = createTestRouter({ catalog });
    router.declareOutage({ channels: ['counter'], reason: 'Counters are down.' });
    expect(router).toHaveChannelStatus('counter', 'major_outage');
    expect(router.getSnapshot()).toHaveChannelStatus('app', 'operational');
    expect(router).not.toHaveChannelStatus('counter', 'operational');
    expect(failure(() => expect(router).toHaveChannelStatus('app', 'major_outage'))).toBe(
      'expected channel `app` to be major_outage, but it is operational\n  channels not operational: counter major_outage',
    );
    expect(failure(() => expect(router).toHaveChannelStatus('fax', 'operational'))).toMatch(
      /no such channel; channels: app, wero/,
    );
  });

  it('describes what is not an outcome', () => {
    expect(describeOutcome({ kind: 'nope' })).toBe('not an outcome: {"kind":"nope"}');
    expect(failure(() => expect(42).toBeServedBy())).toBe(
      'expected the outcome to be served, but it was not an outcome: 42',
    );
  });
});
