import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { type Deadline, Deadlines } from './deadlines.js';

interface Entry extends Deadline {
  expire: Mock<() => void>;
}

function entry(): Entry {
  return { at: 0, done: false, expire: vi.fn() };
}

describe('Deadlines', () => {
  let deadlines: Deadlines;

  beforeEach(() => {
    vi.useFakeTimers();
    deadlines = new Deadlines();
  });

  afterEach(() => {
    deadlines.clear();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('expires an entry after its timeout and not before', () => {
    const e = entry();
    deadlines.add(1000, e);
    expect(e.at).toBe(Date.now() + 1000);
    vi.advanceTimersByTime(999);
    expect(e.expire).not.toHaveBeenCalled();
    expect(e.done).toBe(false);
    vi.advanceTimersByTime(1);
    expect(e.expire).toHaveBeenCalledOnce();
    expect(e.done).toBe(true);
  });

  it('never expires an entry settled before its deadline', () => {
    const e = entry();
    deadlines.add(1000, e);
    vi.advanceTimersByTime(500);
    deadlines.settle(1000, e);
    expect(e.done).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(e.expire).not.toHaveBeenCalled();
  });

  it('expires only the entries still unsettled when the deadline comes', () => {
    const [a, b, c] = [entry(), entry(), entry()];
    deadlines.add(1000, a);
    deadlines.add(1000, b);
    deadlines.add(1000, c);
    deadlines.settle(1000, b);
    vi.advanceTimersByTime(1000);
    expect(a.expire).toHaveBeenCalledOnce();
    expect(b.expire).not.toHaveBeenCalled();
    expect(c.expire).toHaveBeenCalledOnce();
  });

  it('uses one timer for many entries with the same timeout', () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const entries = Array.from({ length: 1000 }, entry);
    for (const e of entries) deadlines.add(3000, e);
    expect(setTimeoutSpy.mock.calls.length).toBeLessThanOrEqual(2);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(3000);
    expect(entries.filter((e) => e.expire.mock.calls.length !== 1)).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps at most one timer per timeout while entries keep coming', () => {
    const entries: Entry[] = [];
    for (let i = 0; i < 100; i++) {
      const e = entry();
      entries.push(e);
      deadlines.add(50, e);
      expect(vi.getTimerCount()).toBeLessThanOrEqual(1);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(50);
    expect(entries.filter((e) => e.expire.mock.calls.length !== 1)).toEqual([]);
  });

  it('expires each entry at its own time when timeouts differ', () => {
    const [slow, fast, medium] = [entry(), entry(), entry()];
    deadlines.add(5000, slow);
    deadlines.add(300, fast);
    deadlines.add(1000, medium);
    vi.advanceTimersByTime(300);
    expect([fast, medium, slow].map((e) => e.expire.mock.calls.length)).toEqual([1, 0, 0]);
    vi.advanceTimersByTime(700);
    expect([fast, medium, slow].map((e) => e.expire.mock.calls.length)).toEqual([1, 1, 0]);
    vi.advanceTimersByTime(3999);
    expect(slow.expire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(slow.expire).toHaveBeenCalledOnce();
  });

  it('expires an entry added later at its own deadline, not at the earlier one', () => {
    const first = entry();
    const second = entry();
    deadlines.add(1000, first);
    vi.advanceTimersByTime(600);
    deadlines.add(1000, second);
    vi.advanceTimersByTime(400);
    expect(first.expire).toHaveBeenCalledOnce();
    expect(second.expire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(599);
    expect(second.expire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(second.expire).toHaveBeenCalledOnce();
  });

  it('times an entry added after the queue emptied', () => {
    const first = entry();
    deadlines.add(1000, first);
    vi.advanceTimersByTime(500);
    deadlines.settle(1000, first);
    vi.advanceTimersByTime(100);
    const second = entry();
    deadlines.add(1000, second);
    vi.advanceTimersByTime(999);
    expect(second.expire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(second.expire).toHaveBeenCalledOnce();
    expect(first.expire).not.toHaveBeenCalled();
  });

  it('expires on time under fake timers that leave Date alone', () => {
    vi.useRealTimers();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const e = entry();
    deadlines.add(1000, e);
    vi.advanceTimersByTime(999);
    expect(e.expire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(e.expire).toHaveBeenCalledOnce();
  });

  it('expires on time under fake timers that leave Date alone, however long adding takes', () => {
    vi.useRealTimers();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // A loaded machine: each read of the real clock is a millisecond later than the one before.
    let t = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => t++);
    const e = entry();
    deadlines.add(1000, e);
    vi.advanceTimersByTime(999);
    expect(e.expire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(e.expire).toHaveBeenCalledOnce();
  });

  it('leaves no timer once every entry has expired', () => {
    deadlines.add(1000, entry());
    deadlines.add(2000, entry());
    vi.advanceTimersByTime(2000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lists only unsettled entries as pending, oldest first', () => {
    const [a, b, c, d] = [entry(), entry(), entry(), entry()];
    deadlines.add(1000, a);
    deadlines.add(1000, b);
    deadlines.add(1000, c);
    deadlines.add(Number.POSITIVE_INFINITY, d);
    deadlines.settle(1000, b);
    expect(deadlines.pending()).toEqual([a, c, d]);
    vi.advanceTimersByTime(1000);
    expect(deadlines.pending()).toEqual([d]);
    deadlines.settle(Number.POSITIVE_INFINITY, d);
    expect(deadlines.pending()).toEqual([]);
  });

  it('leaves no timer after clear(), and expires nothing', () => {
    const entries = [entry(), entry(), entry()];
    deadlines.add(1000, entries[0]!);
    deadlines.add(2000, entries[1]!);
    deadlines.add(3000, entries[2]!);
    expect(vi.getTimerCount()).toBe(3);
    deadlines.clear();
    expect(vi.getTimerCount()).toBe(0);
    expect(deadlines.pending()).toEqual([]);
    vi.advanceTimersByTime(10_000);
    expect(entries.filter((e) => e.expire.mock.calls.length > 0)).toEqual([]);
  });

  it('leaves no timer after clear() when an entry was added while another expired', () => {
    const second = entry();
    const first: Entry = { at: 0, done: false, expire: vi.fn(() => deadlines.add(1000, second)) };
    deadlines.add(1000, first);
    vi.advanceTimersByTime(1000);
    expect(first.expire).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(1);
    deadlines.clear();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never expires an entry without a timeout, and arms no timer for it', () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const e = entry();
    deadlines.add(Number.POSITIVE_INFINITY, e);
    expect(setTimeoutSpy).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(2 ** 40);
    expect(e.expire).not.toHaveBeenCalled();
    expect(deadlines.pending()).toEqual([e]);
  });

  it('waits past the 2^31 ms setTimeout limit instead of firing at once', () => {
    const e = entry();
    const timeout = 2 ** 31 + 1000;
    deadlines.add(timeout, e);
    vi.advanceTimersByTime(1);
    expect(e.expire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(timeout - 2);
    expect(e.expire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(e.expire).toHaveBeenCalledOnce();
  });

  it('ignores settling an entry twice or after it expired', () => {
    const e = entry();
    deadlines.add(1000, e);
    vi.advanceTimersByTime(1000);
    deadlines.settle(1000, e);
    deadlines.settle(1000, e);
    expect(e.expire).toHaveBeenCalledOnce();
    expect(deadlines.pending()).toEqual([]);
  });
});

describe('Deadlines: memory follows the calls in flight', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const timeout of [Number.POSITIVE_INFINITY, 60_000]) {
    it(`holds no settled entry behind one still in flight (timeout ${timeout})`, () => {
      const deadlines = new Deadlines();
      const hanging = entry();
      deadlines.add(timeout, hanging);
      for (let i = 0; i < 10_000; i++) {
        const e = entry();
        deadlines.add(timeout, e);
        deadlines.settle(timeout, e);
      }
      expect(deadlines.held).toBeLessThan(100);
      // Those in flight are all kept, in order.
      const later = [entry(), entry(), entry()];
      for (const e of later) deadlines.add(timeout, e);
      for (let i = 0; i < 1000; i++) {
        const e = entry();
        deadlines.add(timeout, e);
        deadlines.settle(timeout, e);
      }
      expect(deadlines.pending()).toEqual([hanging, ...later]);
      if (Number.isFinite(timeout)) {
        vi.advanceTimersByTime(timeout);
        for (const e of [hanging, ...later]) expect(e.expire).toHaveBeenCalledOnce();
        expect(deadlines.held).toBe(0);
      }
      deadlines.clear();
    });
  }

  it('an expiry that settles other entries (and compacts) expires each due entry once', () => {
    const deadlines = new Deadlines();
    const rest = Array.from({ length: 200 }, () => entry());
    const first = entry();
    first.expire.mockImplementation(() => {
      for (const e of rest.slice(100)) deadlines.settle(1000, e);
    });
    deadlines.add(1000, first);
    for (const e of rest) deadlines.add(1000, e);
    vi.advanceTimersByTime(1000);
    expect(first.expire).toHaveBeenCalledOnce();
    for (const e of rest.slice(0, 100)) expect(e.expire).toHaveBeenCalledOnce();
    for (const e of rest.slice(100)) expect(e.expire).not.toHaveBeenCalled();
    expect(deadlines.held).toBe(0);
    deadlines.clear();
  });
});

describe('Deadlines: one queue per length, kept only while it holds entries', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('10,000 different lengths (per-call deadlines) keep a bounded number of queues and timers', () => {
    const deadlines = new Deadlines();
    const hanging = entry();
    deadlines.add(5_000, hanging);
    for (let i = 1; i <= 10_000; i++) {
      const e = entry();
      deadlines.add(10_000 + i, e);
      deadlines.settle(10_000 + i, e);
    }
    expect(deadlines.queueCount).toBeLessThanOrEqual(33);
    expect(vi.getTimerCount()).toBeLessThan(100);
    // The queue still in use is kept, and its entry expires on time.
    vi.advanceTimersByTime(5_000);
    expect(hanging.expire).toHaveBeenCalledTimes(1);
    deadlines.clear();
  });
});
