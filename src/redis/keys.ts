import { ConfigError } from '../errors.js';

/** Letters, digits and `. _ -`, so a namespace can never reach into another's keys with `:` or `*`. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const NAME_RULE = '1–64 letters, digits or . _ - (starting with a letter or digit)';

/** Every key and channel one fleet uses. */
export interface FleetKeys {
  /** Hash: outage id → stored outage (JSON). Expired fields are pruned by whoever reads them. */
  readonly outages: string;
  /** Sorted set: outage id → when it was ended (ms), so a returning instance does not revive it. */
  readonly ended: string;
  /** Sorted set: `[operation, channel, instance]` (JSON) → when that instance saw the breaker open. */
  readonly trips: string;
  /** Sorted set: instance id → last heartbeat (ms). */
  readonly instances: string;
  /** A random value set once: a different one means Redis lost its data (restart without persistence). */
  readonly epoch: string;
  /** Pub/sub channel: "something changed, read Redis again". */
  readonly channel: string;
}

/**
 * The keys of one namespace. The namespace is a hash tag (`{…}`) so that every key of a fleet
 * lands on the same slot should the Redis behind it be a cluster.
 */
export function fleetKeys(namespace: string): FleetKeys {
  if (typeof namespace !== 'string' || !NAME.test(namespace)) {
    throw new ConfigError('fleet options', [
      { path: 'namespace', message: `expected ${NAME_RULE}, got ${JSON.stringify(namespace)}` },
    ]);
  }
  const p = `secours:{${namespace}}:`;
  return Object.freeze({
    outages: `${p}outages`,
    ended: `${p}ended`,
    trips: `${p}trips`,
    instances: `${p}instances`,
    epoch: `${p}epoch`,
    channel: `${p}changes`,
  });
}
