// One attempt at one step: prepare, start the server (network) or the host iostat sampler
// (storage), run the measured command, stop the helpers, parse, take the metric. It reports
// what it ran before running it, and says how it ended: ok, failed (with the reason), lost
// (the connection dropped: the runner may retry) or cancelled.
import { buildWorkloadCommand, commandArgv, type RemoteCommand, type WorkloadCommand } from '../../../shared/bench/commands.js';
import { metricOf, workloadBytes, workloadSeconds } from '../../../shared/bench/metric.js';
import type { StepParts } from '../../../shared/bench/expand.js';
import type { IostatSample, StepMetric, StepRecord } from '../../../shared/bench/types.js';
import { PARSERS, isToolParseError, type ToolName, type ToolResults } from '../../../shared/parsers/index.js';
import { isAppError } from '../../../shared/result.js';
import { shJoin } from '../ssh/quote.js';
import type { SshEndpoint, SshPool } from '../ssh/types.js';
import type { LabNodes } from './lab-nodes.js';
import { RUN_TAG_VAR } from './leftovers.js';
import { samplerCommand, startSampler, type RunningSampler, type SamplerOutcome } from './sampler.js';
import { portInUse, startServer, type RunningServer, type ServerOutcome } from './server.js';
import type { PreparedTarget } from './targets.js';
import { watchConnections, type WatchdogOptions } from './watchdog.js';

export interface AttemptTuning {
  watchdog: WatchdogOptions;
  samplerIntervalS: number;
  serverListenMs: number;
  serverExitGraceMs: number;
}

export interface AttemptInput {
  pool: SshPool;
  nodes: LabNodes;
  step: StepRecord;
  parts: StepParts;
  prepared: PreparedTarget | null;
  tag: string;
  tuning: AttemptTuning;
  signal: AbortSignal;
  /** Called once the command lines are known, before anything runs. */
  onStart(commands: StepRecord['commands'], context: Record<string, unknown>): void;
  onSamples(samples: IostatSample[]): void;
  /** Stored in the step's context next to what the attempt knows (see StepInput.extraContext). */
  extraContext?: Record<string, unknown>;
}

type Ending = { kind: 'ok'; parsed: unknown; metric: StepMetric | null } | { kind: 'failed' | 'lost' | 'cancelled'; reason: string };
export type AttemptOutcome = Ending & { context: Record<string, unknown>; stdout: string; stderr: string };

const MAX_OUTPUT = 8 * 2 ** 20;
const LOST_CODES = new Set(['SSH_ERROR', 'HOST_UNREACHABLE', 'CONNECT_TIMEOUT']);

const clip = (s: string): string => (s.length > MAX_OUTPUT ? `${s.slice(0, MAX_OUTPUT)}\n[iovlab: output clipped at ${MAX_OUTPUT} bytes]` : s);
const lastLines = (s: string): string => s.trim().split('\n').slice(-3).join(' | ').slice(0, 400);

/** Generous limits that only stop a step that hangs: network runs for its duration, storage at ≥ 1 MB/s. */
function timeoutMs(parts: StepParts): number {
  const seconds = workloadSeconds(parts.workload);
  if (seconds !== null) return (seconds + 120) * 1000;
  return (600 + (workloadBytes(parts.workload) ?? 0) / 1e6) * 1000;
}

export function commandLine(cmd: RemoteCommand, tag: string): string {
  return shJoin(commandArgv({ ...cmd, env: { [RUN_TAG_VAR]: tag, ...cmd.env } }));
}

function parse(tool: ToolName, text: string, parts: StepParts): { parsed: unknown; metric: StepMetric | null } {
  const parsed = PARSERS[tool](text) as ToolResults[ToolName];
  return { parsed, metric: metricOf(tool, parsed, parts.workload) };
}

export async function runAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const { pool, nodes, step, parts, prepared, tag, tuning } = input;
  const cmd: WorkloadCommand = buildWorkloadCommand(parts.workload, prepared?.target ?? null, {
    serverAddress: parts.workload.tool === 'iperf3' || parts.workload.tool === 'netperf' ? nodes.node(parts.workload.server).host : undefined,
  });
  const sampling = prepared?.sampling.device ? prepared.sampling : null;
  const samplerEnv = { [RUN_TAG_VAR]: tag };
  const names = [...new Set([cmd.node, ...(cmd.server ? [cmd.server.node] : []), ...(sampling ? [sampling.node] : [])])];
  const endpoints = new Map<string, SshEndpoint>();
  for (const n of names) endpoints.set(n, await nodes.endpoint(n));
  const ep = (n: string) => endpoints.get(n) as SshEndpoint;

  const context: Record<string, unknown> = {
    config: parts.config,
    workload: parts.workload,
    target: prepared ? { ...prepared.target, guard: prepared.guarded } : null,
    nodes: Object.fromEntries(names.map((n) => [n, nodes.context(n)])),
    sampler: prepared ? prepared.sampling : null,
    ...input.extraContext,
  };
  const samplerLine = sampling ? samplerCommand(sampling.device, tuning.samplerIntervalS, samplerEnv) : null;
  const commands = [
    ...(cmd.prepare ?? []).map((c) => ({ node: c.node, command: commandLine(c, tag) })),
    ...(cmd.server ? [{ node: cmd.server.node, command: commandLine(cmd.server, tag) }] : []),
    ...(sampling && samplerLine ? [{ node: sampling.node, command: samplerLine }] : []),
    { node: cmd.node, command: commandLine(cmd, tag) },
  ];
  input.onStart(commands, context);

  const controller = new AbortController();
  const onAbort = () => controller.abort();
  input.signal.addEventListener('abort', onAbort, { once: true });
  let lost: string | null = null;
  watchConnections(pool, [...endpoints.values()], tuning.watchdog, controller.signal, (stalled, silentMs) => {
    const name = names.find((n) => ep(n) === stalled) ?? stalled.host;
    lost ??= `the SSH connection to node "${name}" (${stalled.host}:${stalled.port}) stopped answering for ${Math.round(silentMs / 1000)} s`;
    for (const key of nodes.chainKeys(stalled)) pool.forget(key);
    controller.abort(); // the other nodes' halves of the step are stopped too, then it is retried whole
  });

  let sampler: RunningSampler | null = null;
  let server: RunningServer | null = null;
  let samplerOutcome: SamplerOutcome | null = null;
  let serverOutcome: ServerOutcome | null = null;
  let stdout = '';
  let stderr = '';

  const execute = async (): Promise<Ending> => {
    for (const prep of cmd.prepare ?? []) {
      const r = await pool.exec(ep(prep.node), commandLine(prep, tag), { signal: controller.signal, timeoutMs: timeoutMs(parts) });
      if (r.code !== 0) return { kind: 'failed', reason: `preparing on node "${prep.node}": \`${shJoin(prep.argv).slice(0, 120)}\` exited with code ${String(r.code)}: ${lastLines(r.stderr || r.stdout)}` };
    }
    if (cmd.server && (parts.workload.tool === 'iperf3' || parts.workload.tool === 'netperf')) {
      const { node } = cmd.server;
      const port = parts.workload.port;
      if (await portInUse(pool, ep(node), port, controller.signal)) {
        return { kind: 'failed', reason: `port ${port} on node "${node}" is already in use (another ${parts.workload.tool} server?); stop it or choose another port` };
      }
      server = startServer(pool, ep(node), node, commandLine(cmd.server, tag), port, controller.signal);
      await server.listening(tuning.serverListenMs);
    }
    if (sampling) {
      sampler = startSampler({ pool, endpoint: ep(sampling.node), device: sampling.device, intervalS: tuning.samplerIntervalS, env: samplerEnv, origin: Date.now(), onSamples: input.onSamples, signal: controller.signal });
      await sampler.ready();
    }
    const r = await pool.exec(ep(cmd.node), commandLine(cmd, tag), { signal: controller.signal, timeoutMs: timeoutMs(parts) });
    // The command ended with an exit status, so its output is whole even if a helper's connection failed.
    stdout = r.stdout;
    stderr = r.stderr;
    if (sampler) samplerOutcome = await sampler.stop({ flush: true });
    if (server) serverOutcome = await server.finish(cmd.server?.exitsAfterClient ? tuning.serverExitGraceMs : 0);
    if (r.code !== 0) return { kind: 'failed', reason: `${step.tool} on node "${cmd.node}" exited with code ${String(r.code)}${r.signal ? ` (signal ${r.signal})` : ''}: ${lastLines(r.stderr || r.stdout) || 'no output'}` };
    const text = cmd.output === 'stdout' ? r.stdout : cmd.output === 'stderr' ? r.stderr : `${r.stdout}\n${r.stderr}`;
    try {
      return { kind: 'ok', ...parse(step.tool, text, parts) };
    } catch (e) {
      if (isToolParseError(e)) return { kind: 'failed', reason: `could not read ${step.tool}'s output: ${e.reason}` };
      if (isAppError(e)) return { kind: 'failed', reason: e.message };
      throw e;
    }
  };

  let ending: Ending;
  try {
    ending = await execute();
  } catch (e) {
    if (lost) ending = { kind: 'lost', reason: lost };
    else if (input.signal.aborted) ending = { kind: 'cancelled', reason: 'cancelled by the user; its remote processes were stopped' };
    else if (isAppError(e) && LOST_CODES.has(e.code)) ending = { kind: 'lost', reason: e.message };
    else if (isAppError(e)) ending = { kind: 'failed', reason: e.message };
    else throw e;
  } finally {
    controller.abort();
    input.signal.removeEventListener('abort', onAbort);
    const s = sampler as RunningSampler | null;
    const v = server as RunningServer | null;
    if (s && !samplerOutcome) samplerOutcome = await s.stop({ flush: false });
    if (v && !serverOutcome) serverOutcome = await v.finish(0);
  }
  if (samplerOutcome) context.samplerOutcome = samplerOutcome;
  if (serverOutcome) context.server = { node: cmd.server?.node, ...serverOutcome, stdout: clip(serverOutcome.stdout) };
  return { ...ending, context, stdout: clip(stdout), stderr: clip(stderr) };
}
