// Turns a stored node into an SSH endpoint: reads its key file, fetches its secret from the
// vault, resolves its jump-host chain and the host key we trust.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { AppError } from '../../../shared/result.js';
import type { LabNode } from '../../../shared/model.js';
import type { SecretVault } from '../secrets/vault.js';
import type { SshEndpoint } from '../ssh/types.js';
import type { Store } from '../store/types.js';

const MAX_JUMPS = 4;

export interface EndpointDeps {
  store: Store;
  vault: SecretVault;
  env: NodeJS.ProcessEnv;
}

export async function endpointFor(deps: EndpointDeps, nodeId: number, seen: number[] = []): Promise<SshEndpoint> {
  const node = deps.store.nodes.get(nodeId);
  if (seen.includes(nodeId)) throw new AppError('INVALID_ARGUMENT', `jump hosts of node "${node.name}" form a loop`);
  if (seen.length > MAX_JUMPS) throw new AppError('INVALID_ARGUMENT', `node "${node.name}" is more than ${MAX_JUMPS} jump hosts away`);
  const endpoint: SshEndpoint = {
    key: String(node.id),
    host: node.host,
    port: node.port,
    user: node.user,
    auth: await authFor(deps, node),
    trustedFingerprint: node.hostKey?.fingerprint ?? null,
  };
  if (node.jumpNodeId !== null) endpoint.jump = await endpointFor(deps, node.jumpNodeId, [...seen, nodeId]);
  return endpoint;
}

async function authFor(deps: EndpointDeps, node: LabNode): Promise<SshEndpoint['auth']> {
  switch (node.auth.kind) {
    case 'key': {
      const path = expandHome(node.auth.keyPath ?? '');
      let privateKey: Buffer;
      try {
        privateKey = await readFile(path);
      } catch (e) {
        const reason = (e as NodeJS.ErrnoException).code ?? String(e);
        throw new AppError('KEY_FILE_UNREADABLE', `node "${node.name}": cannot read private key file ${path} (${reason})`);
      }
      const passphrase = await deps.vault.get(node.id);
      return passphrase === null ? { kind: 'key', privateKey } : { kind: 'key', privateKey, passphrase };
    }
    case 'agent': {
      const agentSocket = deps.env.SSH_AUTH_SOCK;
      if (!agentSocket) throw new AppError('AUTH_FAILED', `node "${node.name}" uses ssh-agent, but SSH_AUTH_SOCK is not set in iovlab's environment`);
      return { kind: 'agent', agentSocket };
    }
    case 'password': {
      const password = await deps.vault.get(node.id);
      if (password === null) {
        throw new AppError('SECRET_REQUIRED', `node "${node.name}" needs its SSH password: enter it again (passwords are kept in memory only in this mode)`, { nodeId: node.id });
      }
      return { kind: 'password', password };
    }
  }
}

export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
}
