// The payment service's own tests, written as its developers would: real handlers talking to
// in-memory backends, a chaos controller switching them, virtual time, and the matchers.
// An application imports 'secours/testing' and 'secours/testing/vitest'.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChaos, useVirtualTime, type VirtualTime } from '../../src/testing/index.js';
import '../../src/testing/vitest.js';
import { type Backends, catalog, createPayments } from './payments.js';

/** In-memory backends that remember what they did, so a test can check nothing ran twice. */
function fakeBackends() {
  const done: { where: string; key: string }[] = [];
  const backends: Backends = {
    bank: {
      transfer: async (_order, key) => {
        done.push({ where: 'bank', key });
        return { id: `bank-${done.length}` };
      },
      balance: async () => 1_234,
    },
    instant: {
      send: async (_order, key) => {
        done.push({ where: 'instant', key });
        return { id: `instant-${done.length}` };
      },
    },
  };
  return { backends, done };
}

let time: VirtualTime;
let payments: ReturnType<typeof createPayments>;
let chaos: ReturnType<typeof createChaos<typeof catalog>>;
let done: { where: string; key: string }[];

beforeEach(() => {
  // A Tuesday at 10:00 in Paris: the phone line is open.
  time = useVirtualTime({ now: '2026-03-10T10:00:00+01:00' });
  chaos = createChaos(catalog, { seed: 42 });
  const fake = fakeBackends();
  done = fake.done;
  payments = createPayments(fake.backends, { wrap: (h) => chaos.wrap(h), clock: time.clock });
});

afterEach(() => {
  payments.dispose();
  time.uninstall();
});

describe('transfers', () => {
  it('go through the bank', async () => {
    expect(await payments.transfer({ to: 'FR76…', amount: 50 }, 'k1')).toEqual({
      status: 'done',
      id: 'bank-1',
      via: 'bank',
    });
  });

  it('fail over to instant transfer when the bank refuses the connection', async () => {
    chaos.down('bank');
    expect(await payments.transfer({ to: 'FR76…', amount: 50 }, 'k1')).toMatchObject({
      status: 'done',
      via: 'instant',
    });
  });

  it('send people to the phone line when both are down', async () => {
    chaos.down('bank').down('instant');
    const outcome = await payments.router.execute(
      'transfer',
      { to: 'FR76…', amount: 50 },
      { locale: 'en', amount: 50 },
    );
    expect(outcome).toBeReferredTo('phone');
    expect(await payments.transfer({ to: 'FR76…', amount: 50 }, 'k2')).toMatchObject({
      status: 'go-elsewhere',
      options: ['Customer service'],
    });
  });

  it('never offer instant transfer over its limit', async () => {
    chaos.down('bank');
    const outcome = await payments.router.execute('transfer', { to: 'FR76…', amount: 900 }, { amount: 900 });
    expect(outcome).toBeReferredTo('phone');
    expect(outcome).not.toBeReferredTo('instant');
  });

  it('ask the person to check, and run nothing twice, when the bank times out', async () => {
    chaos.hang('bank');
    const pending = payments.transfer({ to: 'FR76…', amount: 50 }, 'k-timeout');
    await time.advance(5_000);
    expect(await pending).toEqual({
      status: 'check',
      message: expect.stringContaining('k-timeout'),
      reference: 'k-timeout',
    });
    // The instant backend was not tried: the bank may have done the transfer.
    expect(done).toEqual([]);
  });

  it('stop trying the bank once its breaker opens, and try it again after a minute', async () => {
    chaos.down('bank');
    for (let i = 0; i < 3; i++) await payments.transfer({ to: 'FR76…', amount: 10 }, `k${i}`);
    expect(payments.router).toHaveChannelStatus('bank', 'partial_outage');
    expect(chaos.count('bank').calls).toBe(3);
    await payments.transfer({ to: 'FR76…', amount: 10 }, 'k3');
    expect(chaos.count('bank').calls).toBe(3); // skipped: no one waits for a dead backend

    chaos.up('bank');
    await time.advance(60_000);
    expect(await payments.transfer({ to: 'FR76…', amount: 10 }, 'k4')).toMatchObject({ via: 'bank' });
    expect(payments.router).toHaveChannelStatus('bank', 'operational');
  });

  it('survive a flaky instant backend: some transfers done, the ambiguous ones to check', async () => {
    chaos.down('bank').flaky('instant', 0.5);
    const kinds: string[] = [];
    for (let i = 0; i < 10; i++) {
      const answerOf = await payments.transfer({ to: 'FR76…', amount: 10 }, `f${i}`);
      kinds.push(answerOf.status);
    }
    // Seed 42: the flaky failures are ambiguous (a transfer may have gone), so some are `check`.
    expect(kinds).toContain('check');
    expect(kinds).toContain('done');
  });
});

describe('balance', () => {
  it('is read from the bank, and referred to the phone line during a declared outage', async () => {
    expect(await payments.balance()).toBeServedBy('bank');
    payments.router.declareOutage({ systems: ['core-banking'], reason: { en: 'Online banking is down.' } });
    expect(payments.router).toHaveChannelStatus('bank', 'major_outage');
    const outcome = await payments.balance();
    expect(outcome).toBeReferredTo('phone');
    expect(outcome).toMatchObject({ code: 'outage', reason: 'Online banking is down.' });
  });
});
