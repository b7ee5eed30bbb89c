import { describe, expect, it } from 'vitest';
import { UnknownChannelError, UnknownOperationError } from './errors.js';

describe('the ids an unknown one was checked against', () => {
  const ids = Array.from({ length: 10_000 }, (_, i) => `id-${i}`);

  it('are listed up to 20, then counted, for an unknown operation', () => {
    const { message } = new UnknownOperationError('nope', ids);
    expect(message).toContain('id-0, id-1');
    expect(message).toContain('… and 9980 more');
    expect(message).not.toContain('id-20,');
    expect(message.length).toBeLessThan(400);
  });

  it('are listed up to 20, then counted, for an unknown channel', () => {
    const { message } = new UnknownChannelError('nope', 'ctx.exclude', ids);
    expect(message).toContain('… and 9980 more');
    expect(message.length).toBeLessThan(400);
  });

  it('still say when there are none', () => {
    expect(new UnknownOperationError('nope', []).message).toContain('known operations: (none)');
  });
});
