import type { ConfigIssue } from './errors.js';
import { formatPath } from './validate.js';

/**
 * The Standard Schema interface (standardschema.dev), which zod, valibot and arktype implement,
 * so callers validate inputs with the library they already use. Declared here: it is a spec,
 * not a package.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) =>
      | { readonly value: Output; readonly issues?: undefined }
      | { readonly issues: readonly StandardIssue[] }
      | Promise<unknown>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

interface StandardIssue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

/** Validates synchronously: an input check must not make `execute` wait on anything. */
export function validateSync(
  schema: StandardSchemaV1,
  value: unknown,
): { value: unknown; issues?: undefined } | { issues: ConfigIssue[] } {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) {
    return {
      issues: [{ path: 'input', message: 'the input schema is asynchronous; secours needs a synchronous one' }],
    };
  }
  const r = result as { value: unknown; issues?: readonly StandardIssue[] };
  if (!r.issues) return { value: r.value };
  return {
    issues: r.issues.map((i) => ({
      path: formatPath(['input', ...(i.path ?? []).map((p) => (typeof p === 'object' ? p.key : p))]),
      message: i.message,
    })),
  };
}
