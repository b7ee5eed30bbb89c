// A real redis-server for the fleet suites, started on a free loopback port in its own temporary
// directory and stopped at the end. Missing binary: the suite is skipped loudly, or fails in CI.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function findBinary(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const redisServerBinary = findBinary();

/** True when the suite can run; false (with a loud warning) to skip it; throws in CI. */
export function redisAvailable(suite: string): boolean {
  if (redisServerBinary) return true;
  const message = `redis-server not found on PATH: ${suite} needs it (Debian: apt-get install redis-server)`;
  if (process.env.CI === 'true') throw new Error(`${message}. CI=true, so this fails instead of skipping.`);
  console.warn(`\n⚠ SKIPPED ${suite}: ${message}\n`);
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves when the server answers PING, rejects after `limitMs`. */
async function waitForPing(port: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      let data = '';
      socket.setTimeout(1000, () => {
        socket.destroy();
        resolve(false);
      });
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        data += chunk.toString();
        if (data.includes('\r\n')) {
          socket.destroy();
          // A server with a password answers NOAUTH: it is up all the same.
          resolve(data.startsWith('+PONG') || data.startsWith('-NOAUTH'));
        }
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RedisServerOptions {
  /** Append-only file on (`appendfsync always`), so a restart keeps every write. @default false */
  appendonly?: boolean;
  /** A port chosen by the caller (one a client already waits on). @default a free one */
  port?: number;
  /** More `redis-server` arguments, e.g. `['--replicaof', '127.0.0.1', '6379']`. */
  args?: readonly string[];
}

export class RedisServer {
  private process: ChildProcess | undefined;
  private exited: Promise<unknown> = Promise.resolve();
  private paused = false;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly options: RedisServerOptions,
  ) {}

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const dir = mkdtempSync(join(tmpdir(), 'secours-redis-'));
    let lastError: unknown;
    // Another process may take the port between finding it free and the server binding it.
    for (let attempt = 0; attempt < 5; attempt++) {
      const server = new RedisServer(options.port ?? (await freePort()), dir, options);
      try {
        await server.launch();
        return server;
      } catch (error) {
        lastError = error;
        server.kill();
      }
    }
    rmSync(dir, { recursive: true, force: true });
    throw lastError;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir];
    args.push(...(this.options.args ?? []));
    args.push(
      ...(this.options.appendonly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    );
    const child = spawn(redisServerBinary as string, args, { stdio: 'ignore' });
    this.process = child;
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before answering PING`))),
    );
    exited.catch(() => {});
    await Promise.race([waitForPing(this.port, 10_000), exited]);
  }

  /** SIGKILL: gone at once, as in a crash. */
  kill(): void {
    if (this.paused) this.resume();
    this.process?.kill('SIGKILL');
    this.process = undefined;
  }

  /** SIGSTOP: connections stay open and nothing answers, as with a Redis stuck on a slow disk. */
  pause(): void {
    this.process?.kill('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    this.process?.kill('SIGCONT');
    this.paused = false;
  }

  /** Starts again on the same port and directory (after `kill`). */
  async restart(): Promise<void> {
    if (this.process) this.kill();
    await this.exited;
    await this.launch();
  }

  async stop(): Promise<void> {
    if (this.process) this.kill();
    await this.exited;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Commands the server has run so far (INFO commandstats), leaving out the INFO calls that read
 * them: the difference between two readings is what clients sent in between.
 */
export async function commandsRun(admin: { info(section: string): Promise<string> }): Promise<number> {
  const info = await admin.info('commandstats');
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (match[1] !== 'info') total += Number(match[2]);
  }
  return total;
}

function hasRedisCli(): boolean {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-cli'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

/** True when a cluster can be started (redis-server and redis-cli); false (loudly) to skip; throws in CI. */
export function redisClusterAvailable(suite: string): boolean {
  if (redisServerBinary && hasRedisCli()) return true;
  const message = `redis-server or redis-cli not found on PATH: ${suite} needs both (Debian: apt-get install redis-server)`;
  if (process.env.CI === 'true') throw new Error(`${message}. CI=true, so this fails instead of skipping.`);
  console.warn(`\n⚠ SKIPPED ${suite}: ${message}\n`);
  return false;
}

/**
 * A real Redis Cluster of three masters without replicas on free loopback ports, without
 * persistence: a master killed and restarted keeps its place in the cluster (its nodes.conf)
 * but comes back empty.
 */
export class RedisCluster {
  private constructor(readonly nodes: RedisServer[]) {}

  static async start(): Promise<RedisCluster> {
    const nodes: RedisServer[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        nodes.push(
          await RedisServer.start({
            args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '1000'],
          }),
        );
      }
      const cluster = new RedisCluster(nodes);
      execFileSync(
        'redis-cli',
        ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'],
        { stdio: 'ignore', timeout: 30_000 },
      );
      await cluster.waitUntilOk();
      return cluster;
    } catch (error) {
      await Promise.all(nodes.map((n) => n.stop()));
      throw error;
    }
  }

  get startupNodes(): { host: string; port: number }[] {
    return this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
  }

  /** The node serving `key`'s slot. */
  nodeFor(key: string): RedisServer {
    const slot = Number(this.cli(this.nodes[0] as RedisServer, 'CLUSTER', 'KEYSLOT', key));
    const node = this.nodes.find((n) => this.ownSlots(n).some(([from, to]) => slot >= from && slot <= to));
    if (!node) throw new Error(`no node serves slot ${slot}`);
    return node;
  }

  private ownSlots(node: RedisServer): [number, number][] {
    const lines = this.cli(node, 'CLUSTER', 'NODES').split('\n');
    const mine = lines.find((l) => l.includes('myself'));
    return (mine?.split(' ').slice(8) ?? [])
      .filter((r) => /^\d+(-\d+)?$/.test(r))
      .map((r) => {
        const [from, to] = r.split('-').map(Number) as [number, number | undefined];
        return [from, to ?? from];
      });
  }

  private cli(node: RedisServer, ...args: string[]): string {
    return execFileSync('redis-cli', ['-p', String(node.port), ...args], { encoding: 'utf8', timeout: 5_000 }).trim();
  }

  /** Resolves once every node reports `cluster_state:ok`. */
  async waitUntilOk(limitMs = 20_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const ok = this.nodes.every((n) => {
        try {
          return this.cli(n, 'CLUSTER', 'INFO').includes('cluster_state:ok');
        } catch {
          return false;
        }
      });
      if (ok) return;
      if (Date.now() > deadline) throw new Error('the cluster did not reach cluster_state:ok');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}
