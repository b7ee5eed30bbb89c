import { describe, expect, it, vi } from 'vitest';
import type { Warning } from '../events.js';
import { createStatusClient, type EventSourceLike } from './status-client.js';

/** Stands in for the browser's EventSource (the client's own `EventSource` option), driven by the test. */
function fakeEventSource() {
  const opened: { emit(type: string, data?: string): void; closed: boolean }[] = [];
  class FakeEventSource {
    private readonly listeners = new Map<string, ((event: MessageEvent) => void)[]>();
    closed = false;
    constructor() {
      opened.push(this);
    }
    addEventListener(type: string, listener: (event: MessageEvent) => void) {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    }
    close() {
      this.closed = true;
    }
    emit(type: string, data = '') {
      for (const l of this.listeners.get(type) ?? []) l({ data, lastEventId: '' } as MessageEvent);
    }
  }
  return { EventSource: FakeEventSource as unknown as EventSourceLike, opened };
}

const snapshot = JSON.stringify({ version: 1, at: '', operations: {}, channels: {}, outages: [] });

describe('createStatusClient listeners', () => {
  it('calls every subscriber although one throws, and reports it as a warning', () => {
    vi.useFakeTimers();
    try {
      const { EventSource, opened } = fakeEventSource();
      const warnings: Warning[] = [];
      const client = createStatusClient('/status', { EventSource, onWarning: (w) => warnings.push(w) });
      const heard: string[] = [];
      client.subscribe(() => {
        heard.push('first');
        throw new Error('a bug in a component');
      });
      client.subscribe(() => heard.push('second'));
      expect(() => opened[0]?.emit('snapshot', snapshot)).not.toThrow();
      expect(heard).toEqual(['first', 'second']);
      expect(client.getSnapshot().snapshot?.version).toBe(1);
      expect(warnings).toEqual([
        expect.objectContaining({
          code: 'listener-threw',
          error: expect.objectContaining({ message: 'a bug in a component' }),
        }),
      ]);
      // close() tells the subscribers too: it must still close.
      expect(() => client.close()).not.toThrow();
      expect(client.getSnapshot().connection).toBe('closed');
      expect(opened[0]?.closed).toBe(true);
      expect(heard).toEqual(['first', 'second', 'first', 'second']);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps going when the warning listener throws too', () => {
    vi.useFakeTimers();
    try {
      const { EventSource, opened } = fakeEventSource();
      const client = createStatusClient('/status', {
        EventSource,
        onWarning: () => {
          throw new Error('the logger is broken too');
        },
      });
      const second = vi.fn();
      client.subscribe(() => {
        throw new Error('bug');
      });
      client.subscribe(second);
      opened[0]?.emit('ping');
      expect(second).toHaveBeenCalledOnce();
      expect(() => client.close()).not.toThrow();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('createStatusClient going stale', () => {
  // useStatusFeed (secours/react) re-renders only when subscribers are told: going stale must be a change.
  it('tells its subscribers when the feed falls silent past staleAfterMs, and when the stream drops', () => {
    vi.useFakeTimers();
    try {
      const { EventSource, opened } = fakeEventSource();
      const client = createStatusClient('/status', { EventSource, staleAfterMs: 1_000 });
      opened[0]?.emit('snapshot', snapshot);
      const live = client.getSnapshot();
      expect(live.stale).toBe(false);
      const listener = vi.fn();
      client.subscribe(listener);
      vi.advanceTimersByTime(999);
      expect(listener).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(listener).toHaveBeenCalledTimes(1);
      const silent = client.getSnapshot();
      expect(silent).not.toBe(live);
      expect(silent).toMatchObject({ stale: true, connection: 'reconnecting' });
      expect(silent.snapshot).toBe(live.snapshot);
      // Reconnected and live again, then the stream drops.
      // The first retry comes within minRetryMs (1 s by default, with jitter).
      vi.advanceTimersByTime(1_000);
      expect(opened).toHaveLength(2);
      opened[1]?.emit('snapshot', snapshot);
      expect(client.getSnapshot().stale).toBe(false);
      listener.mockClear();
      opened[1]?.emit('error');
      expect(listener).toHaveBeenCalledTimes(1);
      expect(client.getSnapshot()).toMatchObject({ stale: true, connection: 'reconnecting' });
      client.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
