/** Reads a request body as JSON without ever holding more than `limit` bytes of it. */

export type BodyResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly status: 400 | 413 | 415; readonly detail: string };

export async function readJson(request: Request, limit: number): Promise<BodyResult> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/json' && !type.endsWith('+json')) {
    return { ok: false, status: 415, detail: `expected Content-Type: application/json, got ${type || 'none'}` };
  }
  const tooLarge = { ok: false, status: 413, detail: `the body is larger than ${limit} bytes` } as const;
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) return tooLarge;
  if (!request.body) return { ok: false, status: 400, detail: 'the body is empty; expected a JSON object' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      // The client went away or sent a malformed body: nothing of it is usable.
      return { ok: false, status: 400, detail: 'the body could not be read to its end' };
    }
    const { done, value } = next;
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Stop reading: a client streaming gigabytes must not keep this busy.
      await reader.cancel().catch(() => {});
      return tooLarge;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, status: 400, detail: 'the body is not valid UTF-8' };
  }
  if (!text.trim()) return { ok: false, status: 400, detail: 'the body is empty; expected a JSON object' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, status: 400, detail: `the body is not valid JSON (${(error as Error).message})` };
  }
}
