/**
 * Simulated backends for the replay: each one a small async function with a short latency,
 * written with the global timers so that virtual time drives them like everything else.
 *
 * - `counter`: the counter terminal software (the `counter-it` system). From opening time until
 *   15:00 on 9 April 2018 it cannot even start a transaction.
 * - `postage-machine`, `atm`: self-service machines, which kept working all day.
 * - `web`, `app`: the website and the app, which kept working all day.
 *
 * Phone lines, relay points, tobacconists, Wero and the postman get no handler: they stay
 * referrals, instructions a person follows.
 */
import { type HandlerContext, NotExecutedError } from '../../src/index.js';
import { sleep } from '../../src/testing/sleep.js';
import { TERMINALS_BACK, TERMINALS_DOWN } from './timeline.js';

/** What a backend hands back: a receipt number. */
export interface Receipt {
  receipt: string;
}

/**
 * The counter terminal could not start the transaction: it certainly did not happen.
 *
 * Thrown as a `NotExecutedError`, not a plain Error, on purpose. Buying stamps or paying postage
 * is not idempotent: after an ambiguous failure (a timeout, an unknown error) secours must answer
 * `uncertain` rather than risk charging twice. But a terminal that cannot even open a session has
 * executed nothing, and saying so lets the router send the customer on to the postage machine.
 */
export class TerminalDownError extends NotExecutedError {
  constructor() {
    super('counter-it: terminal cannot open a session');
  }
}

const LATENCY = {
  counterFailure: 2_000, // the clerk tries to open a session, the terminal gives up
  counter: 1_500,
  'postage-machine': 800,
  atm: 1_200,
  web: 600,
  app: 400,
} as const;

export function createBackends(now: () => number) {
  const counters = new Map<string, number>();
  const receipt = (prefix: string): Receipt => {
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    return { receipt: `${prefix}-${String(n).padStart(4, '0')}` };
  };
  // No opening-hours check here: the router does not run a route whose channel is closed.

  return {
    /** The counter terminal software, for one operation. */
    counter:
      <I>() =>
      async (_input: I, ctx: HandlerContext): Promise<Receipt> => {
        const t = now();
        if (t >= TERMINALS_DOWN && t < TERMINALS_BACK) {
          await sleep(LATENCY.counterFailure, ctx.signal);
          throw new TerminalDownError();
        }
        await sleep(LATENCY.counter, ctx.signal);
        return receipt('GUICHET');
      },
    postageMachine:
      <I>() =>
      async (_input: I, ctx: HandlerContext): Promise<Receipt> => {
        await sleep(LATENCY['postage-machine'], ctx.signal);
        return receipt('AUTOMATE');
      },
    atm:
      <I>() =>
      async (_input: I, ctx: HandlerContext): Promise<Receipt> => {
        await sleep(LATENCY.atm, ctx.signal);
        return receipt('DAB');
      },
    web:
      <I>() =>
      async (_input: I, ctx: HandlerContext): Promise<Receipt> => {
        await sleep(LATENCY.web, ctx.signal);
        return receipt('WEB');
      },
    app:
      <I>() =>
      async (_input: I, ctx: HandlerContext): Promise<Receipt> => {
        await sleep(LATENCY.app, ctx.signal);
        return receipt('APPLI');
      },
  };
}
