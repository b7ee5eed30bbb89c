// Handlers: what a route runs, what it is given, and how their types flow into execute.
import type { AnyCatalog, Operation, OperationIdOf, RouteChannelOf } from './catalog.js';
import type { ConfigIssue } from './errors.js';
import type { Locale } from './i18n/text.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import { isPlainObject } from './validate.js';

/** What the router passes to a handler, besides the input. */
export interface HandlerContext<Op extends string = string, Ch extends string = string> {
  /** Aborted on timeout, on the caller's signal and on `dispose()`: pass it to fetch. */
  readonly signal: AbortSignal;
  /** The caller's key, or one generated for this call: send it to the backend. */
  readonly idempotencyKey: string;
  readonly operation: Op;
  readonly channel: Ch;
  /** 1 for the first handler run in this call, 2 for the next after failover… */
  readonly attempt: number;
  readonly locale: Locale;
  readonly amount: number | undefined;
  readonly user: Readonly<Record<string, unknown>> | undefined;
  /** The call's scope (an office, a terminal), when it named one. */
  readonly scope: string | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: a handler's input type is the caller's choice
export type Handler<I = any, V = unknown> = (input: I, ctx: HandlerContext) => V | PromiseLike<V>;

export type Handlers<C extends AnyCatalog> = {
  readonly [O in OperationIdOf<C>]?: { readonly [Ch in RouteChannelOf<C, O>]?: Handler };
};

// biome-ignore lint/suspicious/noExplicitAny: inference helpers over the caller's handler types
type AnyFn = (...args: any[]) => any;
type Values<T> = T[keyof T];
type HandlersOf<H, O> = O extends keyof H ? NonNullable<H[O]> : never;
type InputFromHandlers<M> = [M] extends [never]
  ? unknown
  : Values<{ [K in keyof M]-?: NonNullable<M[K]> extends (input: infer I, ...rest: never[]) => unknown ? I : never }>;
type ValueFromHandlers<M> = [M] extends [never]
  ? unknown
  : Values<{ [K in keyof M]-?: NonNullable<M[K]> extends AnyFn ? Awaited<ReturnType<NonNullable<M[K]>>> : never }>;
type Fallback<T> = [T] extends [never] ? unknown : T;
export type InputOf<C extends AnyCatalog, H, O extends OperationIdOf<C>, S> = O extends keyof S
  ? NonNullable<S[O]> extends StandardSchemaV1<infer I, unknown>
    ? I
    : unknown
  : Fallback<InputFromHandlers<HandlersOf<H, O>>>;
export type ValueOf<H, O> = Fallback<ValueFromHandlers<HandlersOf<H, O>>>;

/** Every problem with the handlers and input schemas given for a catalogue, with its path. */
export function checkHandlers(
  catalog: AnyCatalog,
  handlers: Record<string, Record<string, unknown> | undefined>,
  inputs: object,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  // A Map (or any object whose entries are not own properties) would read as no handlers at all.
  if (!isPlainObject(handlers))
    return [{ path: 'handlers', message: 'expected a plain object of operation → channels' }];
  const operations = catalog.operations as Record<string, Operation>;
  for (const [opId, map] of Object.entries(handlers)) {
    const op = Object.hasOwn(operations, opId) ? operations[opId] : undefined;
    if (!op) {
      issues.push({
        path: `handlers.${opId}`,
        message: `unknown operation \`${opId}\`; known operations: ${Object.keys(operations).join(', ')}`,
      });
      continue;
    }
    if (map === undefined) continue;
    if (!isPlainObject(map)) {
      issues.push({ path: `handlers.${opId}`, message: 'expected a plain object of channel → handler' });
      continue;
    }
    const routeChannels = op.routes.map((r) => r.channel);
    for (const [ch, fn] of Object.entries(map)) {
      if (!routeChannels.includes(ch)) {
        issues.push({
          path: `handlers.${opId}.${ch}`,
          message: `\`${opId}\` has no route on channel \`${ch}\`; its routes: ${routeChannels.join(', ')}`,
        });
      } else if (fn !== undefined && typeof fn !== 'function') {
        issues.push({
          path: `handlers.${opId}.${ch}`,
          message: `expected a function, got ${fn === null ? 'null' : typeof fn}`,
        });
      }
    }
  }
  for (const [opId, schema] of Object.entries(inputs)) {
    if (!Object.hasOwn(operations, opId))
      issues.push({ path: `inputs.${opId}`, message: `unknown operation \`${opId}\`` });
    else if (schema !== undefined && typeof (schema as StandardSchemaV1)?.['~standard']?.validate !== 'function') {
      issues.push({ path: `inputs.${opId}`, message: 'expected a Standard Schema (zod, valibot, arktype…)' });
    }
  }
  return issues;
}
