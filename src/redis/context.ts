import type { AnyCatalog } from '../catalog.js';
import type { Router } from '../router.js';
import type { FleetEvents } from './events.js';
import type { FleetKeys } from './keys.js';

/** What the outage and trip halves of a fleet share with the connection that drives them. */
export interface FleetContext {
  readonly router: Router<AnyCatalog>;
  readonly keys: FleetKeys;
  readonly instanceId: string;
  /** `once` names the thing warned about: the same warning for it is given only once. */
  /** Returns whether it was given (now or, for `once`, before), rather than only counted in a summary. */
  warn(code: string, message: string, options?: { once?: string; error?: unknown }): boolean;
  emit<E extends keyof FleetEvents>(event: E, ...args: Parameters<FleetEvents[E]>): void;
  /** Soon, never now: nothing on the router's call path waits for Redis. */
  requestSync(): void;
}
