// The callers' abort signals: one listener per signal, however many calls share it. A long-lived
// signal (a server's shutdown signal) on many concurrent calls would otherwise pass Node's
// listener limit and print a leak warning.

/** What a watched call does when its signal aborts. */
export interface Cancellable {
  cancel(by: 'signal'): void;
}

export class SignalWatch {
  private readonly watched = new WeakMap<AbortSignal, { calls: Set<Cancellable>; onAbort: () => void }>();

  /** Throws what the signal's addEventListener throws. */
  watch(signal: AbortSignal, call: Cancellable): void {
    let watched = this.watched.get(signal);
    if (!watched) {
      const calls = new Set<Cancellable>();
      const onAbort = () => {
        this.watched.delete(signal);
        for (const c of calls) c.cancel('signal');
      };
      watched = { calls, onAbort };
      signal.addEventListener('abort', onAbort, { once: true });
      this.watched.set(signal, watched);
    }
    watched.calls.add(call);
  }

  unwatch(signal: AbortSignal, call: Cancellable): void {
    const watched = this.watched.get(signal);
    if (!watched?.calls.delete(call) || watched.calls.size > 0) return;
    this.watched.delete(signal);
    try {
      signal.removeEventListener('abort', watched.onAbort);
    } catch {
      // A signal that accepted a listener and refuses to drop it: the listener only finds an empty set.
    }
  }
}
