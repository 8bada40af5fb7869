// The store's public surface, used by the API handlers. Implemented in ./store.ts over
// better-sqlite3; every method is synchronous (better-sqlite3 is) and throws AppError
// (shared/result.ts) with NOT_FOUND / ALREADY_EXISTS / DB_ERROR on bad input.
import type { Role } from '../../../shared/roles.js';
import type { AuthKind, HostKey, Lab, LabNode } from '../../../shared/model.js';
import type { NodeFacts, ProbeRecord } from '../../../shared/facts.js';
import type { RunStore } from './run-types.js';
import type { InstallStore } from './installs.js';

export interface NewNode {
  labId: number;
  name: string;
  roles: Role[];
  host: string;
  port: number;
  user: string;
  authKind: AuthKind;
  keyPath: string | null;
  jumpNodeId: number | null;
}

export type NodePatch = Partial<Omit<NewNode, 'labId'>>;

export interface Store {
  readonly file: string;
  labs: {
    list(): Lab[]; // with nodes, ordered by name
    get(labId: number): Lab; // NOT_FOUND
    findByName(name: string): Lab | null;
    create(name: string, description: string): Lab; // ALREADY_EXISTS on duplicate name
    delete(labId: number): void; // cascades to nodes, host keys, probes, secrets, runs, installs
  };
  nodes: {
    get(nodeId: number): LabNode; // NOT_FOUND
    findByName(labId: number, name: string): LabNode | null;
    add(node: NewNode): LabNode; // ALREADY_EXISTS on duplicate (labId, name); NOT_FOUND for a jump node outside the lab
    update(nodeId: number, patch: NodePatch): LabNode;
    remove(nodeId: number): void; // nodes that used it as jump host get jumpNodeId = null
  };
  hostKeys: {
    get(nodeId: number): HostKey | null;
    accept(nodeId: number, keyType: string, fingerprint: string): HostKey; // replaces any previous key
  };
  probes: {
    add(nodeId: number, facts: NodeFacts, takenAt?: string): ProbeRecord;
    latest(nodeId: number): ProbeRecord | null;
    list(nodeId: number): ProbeRecord[]; // newest first
  };
  /** Encrypted secrets only (Electron safeStorage ciphertext); plaintext never reaches the database. */
  secrets: {
    put(nodeId: number, ciphertext: Buffer): void;
    get(nodeId: number): Buffer | null;
    delete(nodeId: number): void;
  };
  /** Benchmark runs, their steps and host iostat samples (./runs.ts). */
  runs: RunStore;
  /** Install runs of recipes and their step records (./installs.ts). */
  installs: InstallStore;
  close(): void;
}
