// The boundary: every transport (Electron IPC, the browser host's WebSocket, the CLI) hands
// raw (untrusted) method names and params to `dispatch`, which validates them against the
// contract and turns any thrown error into data.
import { z } from 'zod';
import { apiSchemas, type ApiHandlers, type ApiMethod } from '../../../shared/api.js';
import { fail, isAppError, ok, type Result } from '../../../shared/result.js';

export function isApiMethod(method: unknown): method is ApiMethod {
  return typeof method === 'string' && Object.hasOwn(apiSchemas, method);
}

export async function dispatch(handlers: ApiHandlers, method: unknown, rawParams: unknown): Promise<Result<unknown>> {
  if (!isApiMethod(method)) return fail('UNKNOWN_METHOD', `unknown API method: ${String(method).slice(0, 80)}`);
  const parsed = apiSchemas[method].safeParse(rawParams ?? {});
  if (!parsed.success) return fail('INVALID_ARGUMENT', `${method}: ${describeZodError(parsed.error)}`);
  try {
    // The schema map and the handler map are keyed alike; TypeScript cannot correlate them
    // through an indexed access, hence the one cast at this single place.
    const handler = handlers[method] as (p: unknown) => Promise<unknown>;
    return ok(await handler(parsed.data));
  } catch (e) {
    if (isAppError(e)) return { ok: false, error: e.toApiError() };
    const message = e instanceof Error ? e.message : String(e);
    return fail('INTERNAL', `${method} failed unexpectedly: ${message}`);
  }
}

export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
