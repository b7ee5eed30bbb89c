// Events and subscribers whose listeners cannot break the emitter: a listener that throws must
// not take a call's outcome (or a fleet's round) with it; its error becomes a `warning`.
import { EventEmitter } from 'eventemitter3';

/** Events with one argument each, `warning` among them (an interface of listener types). */
type EventMap = { warning(warning: never): void };
// biome-ignore lint/suspicious/noExplicitAny: any listener's argument
export type Arg<Events, E extends keyof Events> = Events[E] extends (arg: infer A) => any ? A : never;
type Listener = (...args: unknown[]) => void;

/** What `warn` emits. */
export interface WarningOf {
  readonly code: string;
  readonly message: string;
  readonly error?: unknown;
}

export class SafeEmitter<Events extends EventMap> {
  private readonly emitter = new EventEmitter();
  /**
   * Events that may have a listener: set by on/once, cleared by off when the last one goes (a
   * spent `once` leaves it set, which only costs a look at the emitter). Most events have no
   * listener on a hot path: reading it first skips the emitter's work and the building of the argument.
   */
  readonly listening: { readonly [E in keyof Events]?: boolean } = Object.create(null);
  declare private readonly onThrow: ((event: keyof Events, error: unknown) => void) | undefined;

  /** `onThrow` reports a listener's error (by default a `listener-threw` warning from here). */
  constructor(onThrow?: (event: keyof Events, error: unknown) => void) {
    this.onThrow = onThrow;
  }

  emit<E extends keyof Events>(event: E, arg: Arg<Events, E>): void {
    if (!this.listening[event]) return;
    try {
      this.emitter.emit(event as string, arg);
    } catch (error) {
      if (event === 'warning') return;
      if (this.onThrow) this.onThrow(event, error);
      else this.warn('listener-threw', `A listener of the \`${String(event)}\` event threw`, error);
    }
  }

  /** A `warning` event; one thrown by a warning listener is dropped. */
  warn(code: string, message: string, error?: unknown): void {
    const warning: WarningOf = error === undefined ? { code, message } : { code, message, error };
    this.emit('warning', warning as Arg<Events, 'warning'>);
  }

  on<E extends keyof Events>(event: E, listener: Events[E]): void {
    this.emitter.on(event as string, listener as unknown as Listener);
    (this.listening as { [E in keyof Events]?: boolean })[event] = true;
  }

  off<E extends keyof Events>(event: E, listener: Events[E]): void {
    this.emitter.off(event as string, listener as unknown as Listener);
    (this.listening as { [E in keyof Events]?: boolean })[event] = this.emitter.listenerCount(event as string) > 0;
  }

  once<E extends keyof Events>(event: E, listener: Events[E]): void {
    this.emitter.once(event as string, listener as unknown as Listener);
    (this.listening as { [E in keyof Events]?: boolean })[event] = true;
  }

  clear(): void {
    this.emitter.removeAllListeners();
  }
}

/**
 * Calls every listener even when one throws: a subscriber's bug must not stop the others, nor
 * the code that notified them (a call's outcome, a `close()`). Each error goes to `onThrow`
 * (the router and the status client turn it into a `warning`); one thrown by `onThrow` itself is
 * dropped, as a throwing `warning` listener is.
 */
export function callEach(listeners: ReadonlySet<() => void>, onThrow: (error: unknown) => void): void {
  // A copy: a listener may unsubscribe itself or another one while being called.
  for (const listener of [...listeners]) {
    // Unsubscribed by an earlier listener of this round: its unsubscribe has returned.
    if (!listeners.has(listener)) continue;
    try {
      listener();
    } catch (error) {
      try {
        onThrow(error);
      } catch {
        // nowhere left to report it
      }
    }
  }
}
