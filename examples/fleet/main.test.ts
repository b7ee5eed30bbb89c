import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { redisAvailable } from '../../test/helpers/redis-server.js';

// The example as a user runs it, in its own process with its own redis-server.
it.skipIf(!redisAvailable('examples/fleet'))('the fleet example shows an outage reaching every instance', async () => {
  const file = fileURLToPath(new URL('./main.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  const { stdout } = await promisify(execFile)(tsx, [file], { timeout: 60_000 });
  expect(stdout.trim().split('\n')).toEqual([
    'lyon: outage counters-2018-04-09 declared (from paris)',
    'lille: outage counters-2018-04-09 declared (from paris)',
    'paris: counter major_outage',
    'lyon: counter major_outage',
    'lille: counter major_outage',
    'marseille (started later): counter major_outage',
    'paris: outage counters-2018-04-09 ended (from paris)',
    'lyon: outage counters-2018-04-09 ended (from paris)',
    'marseille: outage counters-2018-04-09 ended (from paris)',
    'paris: counter operational',
    'lyon: counter operational',
    'lille: counter operational',
    'marseille: counter operational',
  ]);
});
