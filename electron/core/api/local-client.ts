import type { ApiClient, ApiEventName, ApiEvents, ApiMethod, ApiParams, ApiResults } from '../../../shared/api.js';
import type { Result } from '../../../shared/result.js';
import type { Backend } from '../backend.js';

/** The contract served in-process (CLI, tests): same validation and error data as the remote transports. */
export function createLocalClient(backend: Backend): ApiClient {
  return {
    call: <M extends ApiMethod>(method: M, params: ApiParams<M>) => backend.call(method, params) as Promise<Result<ApiResults[M]>>,
    on: <E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) =>
      backend.onEvent((name, payload) => {
        if (name === event) listener(payload as ApiEvents[E]);
      }),
  };
}
