// What every CLI command shares: finding the data dir, opening the backend, calling the
// contract and turning a failed Result into one clear line on stderr and exit code 1.
import type { Command } from 'commander';
import type { ApiClient, ApiMethod, ApiParams, ApiResults } from '../../shared/api.js';
import type { ApiError } from '../../shared/result.js';
import { createBackend, type Backend } from '../core/backend.js';
import { createLocalClient } from '../core/api/local-client.js';
import { resolveDataDir } from '../core/paths.js';

export class CliFailure extends Error {
  constructor(readonly error: ApiError, readonly exitCode = 1) {
    super(error.message);
  }
}

export interface CliSession {
  backend: Backend;
  client: ApiClient;
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResults[M]>;
}

export function dataDirOf(command: Command): string {
  const flag = command.optsWithGlobals<{ dataDir?: string }>().dataDir;
  return resolveDataDir(flag ? { flag, env: process.env } : { env: process.env });
}

export async function withSession<T>(command: Command, run: (session: CliSession) => Promise<T>): Promise<T> {
  const backend = createBackend({ dataDir: dataDirOf(command), host: 'cli' });
  const client = createLocalClient(backend);
  const session: CliSession = {
    backend,
    client,
    call: async (method, params) => {
      const result = await client.call(method, params);
      if (!result.ok) throw new CliFailure(result.error);
      return result.value;
    },
  };
  try {
    return await run(session);
  } finally {
    await backend.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Reads one secret (password or passphrase) from stdin, so it never appears in argv or shell history. */
export async function readSecretFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
