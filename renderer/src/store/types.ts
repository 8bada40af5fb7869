// One zustand store made of typed slices (zustand's slices pattern): each slice owns its part
// of the state and the API calls that change it; components only read state and call actions.
import type { StateCreator } from 'zustand';
import type { ApiMethod, ApiParams, ApiResults, NodeInput } from '../../../shared/api.js';
import type { AppInfo, ExperimentReadiness, HostKeyScan, JobProgress, Lab, LabNode } from '../../../shared/model.js';
import type { ProbeRecord } from '../../../shared/facts.js';
import type { ApiError, Result } from '../../../shared/result.js';
import type { ConnectionStatus } from '../api/client.js';
import type { InstallSlice } from './install-slice.js';
import type { JobLogsSlice } from './job-logs-slice.js';
import type { LocalLabSlice } from './locallab-slice.js';
import type { ReportSlice } from './report-slice.js';
import type { RunsSlice } from './runs-slice.js';

export interface Alert {
  id: number;
  /** What the user was doing, e.g. "Probe front". */
  context: string;
  error: ApiError;
}

export interface UiSlice {
  alerts: Alert[];
  /** Keys of actions in flight ("probe:3"), so their buttons can show a busy state. */
  busy: Record<string, true>;
  /** Calls the API with busy tracking; a failure becomes an alert and is also returned. */
  runCall<M extends ApiMethod>(busyKey: string, context: string, method: M, params: ApiParams<M>): Promise<Result<ApiResults[M]>>;
  dismissAlert(id: number): void;
}

export interface ConnectionSlice {
  connection: ConnectionStatus;
  appInfo: AppInfo | null;
  /** Subscribes to connection changes and backend events; call once at start-up. */
  start(): () => void;
}

export interface LabsSlice {
  labs: Lab[];
  labsLoaded: boolean;
  currentLabId: number | null;
  readiness: Record<number, ExperimentReadiness[]>;
  loadLabs(): Promise<void>;
  createLab(name: string, description: string): Promise<Lab | null>;
  deleteLab(labId: number): Promise<boolean>;
  openLab(labId: number | null): void;
  loadReadiness(labId: number): Promise<void>;
}

export interface NodesSlice {
  selectedNodeId: number | null;
  scans: Record<number, HostKeyScan>;
  facts: Record<number, ProbeRecord | null>;
  /** Which probe (node.lastProbeAt) the loaded facts belong to, to reload only what changed. */
  factsLoadedFor: Record<number, string | null>;
  selectNode(nodeId: number | null): void;
  addNode(input: NodeInput): Promise<LabNode | null>;
  removeNode(nodeId: number): Promise<void>;
  scanHostKey(nodeId: number): Promise<void>;
  acceptHostKey(nodeId: number, fingerprint: string): Promise<void>;
  probe(nodeId: number): Promise<void>;
  loadFacts(nodeId: number): Promise<void>;
}

export interface JobsSlice {
  jobs: Record<string, JobProgress>;
  /** The latest probe job started from this window, per node. */
  probeJobs: Record<number, string>;
  jobProgress(progress: JobProgress): void;
}

export type AppState = UiSlice & ConnectionSlice & LabsSlice & NodesSlice & JobsSlice & ReportSlice & RunsSlice & JobLogsSlice & InstallSlice & LocalLabSlice;
export type Slice<T> = StateCreator<AppState, [], [], T>;
