import type { ChainableCommander, Redis } from 'ioredis';

/** What one command of a batch came back with. */
export type Reply = { error: Error; value?: undefined } | { error?: undefined; value: unknown };

/**
 * One pipeline (one round trip), each command with its own handler for its reply. ioredis
 * answers a pipeline as a list in command order; this keeps each reply next to the code that
 * asked for it.
 */
export class Batch {
  private readonly pipeline: ChainableCommander;
  private readonly handlers: ((reply: Reply) => void)[] = [];

  constructor(redis: Redis) {
    this.pipeline = redis.pipeline();
  }

  add(command: (p: ChainableCommander) => void, onReply: (reply: Reply) => void = () => {}): void {
    command(this.pipeline);
    this.handlers.push(onReply);
  }

  /**
   * Rejects when Redis could not be reached at all (every reply a connection error). A reply
   * error on one command (a key of the wrong type) goes to that command's handler only.
   */
  async exec(): Promise<void> {
    const replies = (await this.pipeline.exec()) ?? [];
    const failures = replies.filter(([error]) => error && !isReplyError(error));
    if (replies.length > 0 && failures.length === replies.length) throw failures[0]?.[0];
    replies.forEach(([error, value], i) => {
      this.handlers[i]?.(error ? { error } : { value });
    });
  }
}

/** An answer from Redis itself (WRONGTYPE…), as opposed to a connection that failed. */
export function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}
