/**
 * Calls every listener even when one throws: a subscriber's bug must not stop the others, nor
 * the code that notified them (a call's outcome, a `close()`). Each error goes to `onThrow`
 * (the router and the status client turn it into a `warning`); one thrown by `onThrow` itself is
 * dropped, as a throwing `warning` listener is.
 */
export function callEach(listeners: Iterable<() => void>, onThrow: (error: unknown) => void): void {
  // A copy: a listener may unsubscribe itself or another one while being called.
  for (const listener of [...listeners]) {
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
