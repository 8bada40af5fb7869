// Passwords and key passphrases never reach the database in plaintext. In the desktop app
// they are sealed with Electron's safeStorage (OS keychain) and only the ciphertext is stored;
// in `iovlab serve` and the CLI they live in memory for the life of the process.
import type { Store } from '../store/types.js';

export interface SecretVault {
  readonly kind: 'memory' | 'safeStorage';
  has(nodeId: number): boolean;
  get(nodeId: number): Promise<string | null>;
  set(nodeId: number, secret: string): Promise<void>;
  delete(nodeId: number): Promise<void>;
}

export function createMemoryVault(): SecretVault {
  const secrets = new Map<number, string>();
  return {
    kind: 'memory',
    has: (nodeId) => secrets.has(nodeId),
    get: async (nodeId) => secrets.get(nodeId) ?? null,
    set: async (nodeId, secret) => void secrets.set(nodeId, secret),
    delete: async (nodeId) => void secrets.delete(nodeId),
  };
}

/** Seals with a cipher the Electron shell provides (safeStorage lives in the main process only). */
export interface Sealer {
  encrypt(plaintext: string): Promise<Buffer>;
  decrypt(ciphertext: Buffer): Promise<string>;
}

export function createSealedVault(store: Store, sealer: Sealer): SecretVault {
  return {
    kind: 'safeStorage',
    has: (nodeId) => store.secrets.get(nodeId) !== null,
    get: async (nodeId) => {
      const sealed = store.secrets.get(nodeId);
      return sealed ? sealer.decrypt(sealed) : null;
    },
    set: async (nodeId, secret) => store.secrets.put(nodeId, await sealer.encrypt(secret)),
    delete: async (nodeId) => store.secrets.delete(nodeId),
  };
}
