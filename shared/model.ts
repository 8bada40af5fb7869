import type { Role } from './roles.js';
import type { ApiError } from './result.js';

export type AuthKind = 'key' | 'agent' | 'password';

export interface Lab {
  id: number;
  name: string;
  description: string;
  createdAt: string;
  nodes: LabNode[];
}

export interface HostKey {
  keyType: string;
  /** OpenSSH style: "SHA256:" + unpadded base64 of the key blob's SHA-256. */
  fingerprint: string;
  acceptedAt: string;
}

export interface LabNode {
  id: number;
  labId: number;
  name: string;
  roles: Role[];
  host: string;
  port: number;
  user: string;
  auth: { kind: AuthKind; keyPath: string | null; hasSecret: boolean };
  jumpNodeId: number | null;
  hostKey: HostKey | null;
  lastProbeAt: string | null;
  createdAt: string;
}

export interface HostKeyScan {
  keyType: string;
  fingerprint: string;
  /** new: never seen; trusted: matches the stored key; changed: differs from the stored key. */
  status: 'new' | 'trusted' | 'changed';
  knownFingerprint: string | null;
}

export type JobStatus = 'running' | 'ok' | 'failed' | 'cancelled';

export interface JobProgress {
  jobId: string;
  kind: string;
  title: string;
  step: number;
  stepsTotal: number;
  stepTitle: string;
  status: JobStatus;
  etaS: number | null;
  error?: ApiError;
}

export interface JobLogLine {
  jobId: string;
  at: string;
  stream: 'info' | 'stdout' | 'stderr';
  text: string;
}

export interface AppInfo {
  version: string;
  dataDir: string;
  host: 'electron' | 'browser' | 'cli';
  secretStorage: 'safeStorage' | 'memory';
}

/** Whether a lab can run one experiment; computed from the nodes' latest probes (shared/experiments.ts). */
export interface ExperimentReadiness {
  experimentId: string;
  ready: boolean;
  missing: { node: string; tool: string }[];
  notes: string[];
}
