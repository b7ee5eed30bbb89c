// The setup every fleet suite shares: one real redis-server for the file, an admin client, a
// fresh namespace per test, and instances closed after each test. Call inside `describe`.

import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type Instance, startInstance } from './fleet.js';
import { commandsRun, RedisServer } from './redis-server.js';

export interface FleetSuite {
  readonly server: RedisServer;
  readonly admin: Redis;
  /** This test's namespace, and one of its keys. */
  ns(): string;
  key(name: string): string;
  start(
    id: string,
    options?: Parameters<typeof startInstance>[2],
    more?: Parameters<typeof startInstance>[3],
  ): Instance;
  /** Runs after the test, after its instances are closed. */
  cleanup(close: () => unknown): void;
  /** Commands Redis ran per instance over `windowMs` of real time (the window bounds a count; nothing is timed). */
  commandsPerInstance(instances: number, windowMs: number): Promise<number>;
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function fleetSuite(prefix: string): FleetSuite {
  let server: RedisServer | undefined;
  let admin: Redis | undefined;
  let namespace = 0;
  const instances: Instance[] = [];
  const closers: (() => unknown)[] = [];
  beforeAll(async () => {
    server = await RedisServer.start();
    admin = new Redis(server.url, { retryStrategy: () => 50 });
    admin.on('error', () => {});
  });
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((i) => i.close()));
    for (const close of closers.splice(0)) await close();
    namespace++;
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });
  const suite: FleetSuite = {
    get server() {
      return server as RedisServer;
    },
    get admin() {
      return admin as Redis;
    },
    ns: () => `${prefix}${namespace}`,
    key: (name) => `secours:{${suite.ns()}}:${name}`,
    start(id, options = {}, more) {
      const instance = startInstance(suite.server.url, id, { namespace: suite.ns(), ...options }, more);
      instances.push(instance);
      return instance;
    },
    cleanup(close) {
      closers.push(close);
    },
    async commandsPerInstance(count, windowMs) {
      const before = await commandsRun(suite.admin);
      await pause(windowMs);
      return ((await commandsRun(suite.admin)) - before) / count;
    },
  };
  return suite;
}
