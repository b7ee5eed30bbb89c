import type { ChainableCommander, Cluster, Redis } from 'ioredis';

/** What one command of a batch came back with. */
export type Reply = { error: Error; value?: undefined } | { error?: undefined; value: unknown };

/**
 * Redis answered, but not with data: out of memory, a read-only replica, a missing permission,
 * a cluster slot moving or down, a dataset still loading… The fleet treats it as "Redis
 * unavailable": it keeps what it decided last and tries again later.
 */
export class RedisRefusedError extends Error {
  override readonly name = 'RedisRefusedError';
  constructor(readonly reply: Error) {
    super(`Redis refused a command: ${reply.message}`, { cause: reply });
  }
}

/**
 * One pipeline (one round trip), each command with its own handler for its reply. ioredis
 * answers a pipeline as a list in command order; this keeps each reply next to the code that
 * asked for it.
 */
export class Batch {
  private readonly pipeline: ChainableCommander;
  private readonly handlers: ((reply: Reply) => void)[] = [];

  constructor(redis: Redis | Cluster) {
    this.pipeline = redis.pipeline();
  }

  get length(): number {
    return this.handlers.length;
  }

  add(command: (p: ChainableCommander) => void, onReply: (reply: Reply) => void = () => {}): void {
    command(this.pipeline);
    this.handlers.push(onReply);
  }

  /**
   * Rejects when Redis could not be reached, or refused anything for a reason other than a key of
   * the wrong type (`RedisRefusedError`): then no handler runs, and every write is still pending.
   * A key of the wrong type (WRONGTYPE, set by hand) goes to that command's handler only.
   */
  async exec(): Promise<void> {
    const replies = (await this.pipeline.exec()) ?? [];
    for (const [error] of replies) {
      if (!error) continue;
      if (!isReplyError(error)) throw error;
      if (!isWrongType(error)) throw new RedisRefusedError(error);
    }
    replies.forEach(([error, value], i) => {
      this.handlers[i]?.(error ? { error } : { value });
    });
  }
}

/** An answer from Redis itself (WRONGTYPE, OOM…), as opposed to a connection that failed. */
export function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/** A key holds another type than the command expects: a problem with that key, not with Redis. */
export function isWrongType(error: unknown): boolean {
  return isReplyError(error) && (error as Error).message.startsWith('WRONGTYPE');
}

/** Redis's own clock in µs, read on its own so that a cluster can route the keyed writes. */
export async function redisTimeUs(redis: Redis | Cluster): Promise<number> {
  let reply: unknown;
  try {
    reply = await redis.time();
  } catch (error) {
    throw isReplyError(error) ? new RedisRefusedError(error as Error) : error;
  }
  const [s, us] = Array.isArray(reply) && reply.length === 2 ? reply.map(Number) : [Number.NaN, Number.NaN];
  if (!Number.isSafeInteger(s) || !Number.isSafeInteger(us)) {
    throw new RedisRefusedError(new Error(`TIME answered ${JSON.stringify(reply)?.slice(0, 80)}`));
  }
  return (s as number) * 1_000_000 + (us as number);
}
