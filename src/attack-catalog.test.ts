// The catalogue against values built to fool a validator that reads its input more than once:
// getters that answer differently on each read, getters that throw, proxies whose traps throw.
// Whatever comes in, the answer is a catalogue that holds together or a ConfigError.
import { describe, expect, it } from 'vitest';
import { parseCatalog } from './catalog.js';
import { ConfigError } from './errors.js';
import { createRouter } from './index.js';

const raw = () => ({
  channels: { app: { kind: 'digital', label: 'the app' }, phone: { kind: 'phone', label: '3639' } } as Record<
    string,
    Record<string, unknown>
  >,
  operations: {
    transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'phone' }] as Record<string, unknown>[] },
  },
});

describe('parseCatalog reads what it validates once', () => {
  it('cannot be made to accept a route whose channel changes between reads', () => {
    // The k-th read of the second route's channel says `constructor` (no such channel), the others `phone`.
    for (let k = 1; k <= 8; k++) {
      const input = raw();
      let reads = 0;
      Object.defineProperty(input.operations.transfer.routes[1], 'channel', {
        get: () => (++reads === k ? 'constructor' : 'phone'),
        enumerable: true,
      });
      let catalog: ReturnType<typeof parseCatalog> | undefined;
      try {
        catalog = parseCatalog(input);
      } catch (error) {
        expect(error, `read ${k}`).toBeInstanceOf(ConfigError);
        continue;
      }
      for (const route of catalog.operations.transfer?.routes ?? []) {
        expect(Object.hasOwn(catalog.channels, route.channel), `read ${k}: ${route.channel}`).toBe(true);
      }
      const router = createRouter({ catalog });
      expect(router.plan('transfer', { locale: 'en' }).alternatives.map((a) => a.channel)).toEqual(['app', 'phone']);
      router.dispose();
    }
  });

  it('answers a getter that throws, a proxy whose trap throws and a revoked proxy with a ConfigError', () => {
    const throwing = raw();
    Object.defineProperty(throwing.channels.app, 'label', {
      get: () => {
        throw new Error('boom');
      },
      enumerable: true,
    });
    const trap = (name: 'ownKeys' | 'getPrototypeOf' | 'get' | 'getOwnPropertyDescriptor') => {
      const input = raw();
      input.channels = new Proxy(input.channels, {
        [name]: () => {
          throw new Error(`${name} says no`);
        },
      });
      return input;
    };
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const inputs: [string, unknown][] = [
      ['throwing getter', throwing],
      ['ownKeys', trap('ownKeys')],
      ['getPrototypeOf', trap('getPrototypeOf')],
      ['get', trap('get')],
      ['getOwnPropertyDescriptor', trap('getOwnPropertyDescriptor')],
      ['revoked proxy as a table', { ...raw(), channels: revoked.proxy }],
      ['revoked proxy as the catalogue', revoked.proxy],
    ];
    for (const [name, input] of inputs) {
      expect(() => parseCatalog(input), name).toThrow(ConfigError);
    }
  });
});

describe('links shown to people', () => {
  it('refuses a filesystem: deep link, which reads from the device as blob: does', () => {
    const input = raw();
    input.channels.app = {
      ...input.channels.app,
      contact: { deepLink: 'filesystem:https://bank.example/temporary/a' },
    };
    expect(() => parseCatalog(input)).toThrow(/must not be a filesystem: link/);
    const upper = raw();
    upper.channels.app = {
      ...upper.channels.app,
      contact: { deepLink: 'File\tSystem:https://bank.example/temporary/a' },
    };
    expect(() => parseCatalog(upper)).toThrow(ConfigError);
  });
});
