// Which of the paper's measurements a step is: a dd/fio storage write or read (synchronous, or
// queued with asynchronous I/O), a Hadoop-style streaming test, or a network direction. The
// plan's workload entry decides when the run has one; imported runs fall back to the parsed
// output and the command line.
import type { RunRecord, StepRecord } from '../bench/types.js';
import { planWorkload } from './config-facts.js';
import type { WorkloadClass } from './types.js';

function opFromText(text: string): 'write' | 'read' | null {
  if (/write|wr\b|if=\/dev\/zero/i.test(text)) return 'write';
  if (/read|rd\b|of=\/dev\/null/i.test(text)) return 'read';
  return null;
}

function asyncFromCommand(text: string): boolean {
  const depth = /--iodepth[= ](\d+)/.exec(text);
  return (depth !== null && Number(depth[1]) > 1) || /aio\b|async/i.test(text);
}

/** `--config op=read` on an import says what a bare dd output cannot. */
function tagOp(run: RunRecord): 'write' | 'read' | null {
  const op = run.tags.op?.toLowerCase();
  return op === 'write' || op === 'read' ? op : null;
}

export function classifyStep(run: RunRecord, step: StepRecord): WorkloadClass {
  const w = planWorkload(run, step.workloadId);
  const commands = step.commands.map((c) => c.command).join('\n');
  const parsed = step.parsed as Record<string, unknown> | null;
  switch (step.tool) {
    case 'dd': {
      const op = (w?.op as 'write' | 'read' | undefined) ?? tagOp(run) ?? opFromText(step.workloadId) ?? opFromText(commands);
      return op ? { kind: 'storage', op, access: 'sync', tool: 'dd' } : { kind: 'other' };
    }
    case 'fio': {
      if (w?.profile === 'streaming') return { kind: 'hadoop', op: w.op === 'read' ? 'read' : 'write' };
      let op = (w?.op as 'write' | 'read' | undefined) ?? tagOp(run) ?? opFromText(step.workloadId);
      if (!op && parsed && Array.isArray(parsed.jobs)) {
        const jobs = parsed.jobs as { readMBps: number; writeMBps: number }[];
        const read = jobs.reduce((s, j) => s + j.readMBps, 0);
        const write = jobs.reduce((s, j) => s + j.writeMBps, 0);
        op = read > 0 && write === 0 ? 'read' : write > 0 && read === 0 ? 'write' : null;
      }
      const queued = w ? w.ioengine === 'libaio' && Number(w.iodepth) > 1 : asyncFromCommand(`${step.workloadId}\n${commands}`);
      return op ? { kind: 'storage', op, access: queued ? 'async' : 'sync', tool: 'fio' } : { kind: 'other' };
    }
    case 'testdfsio': {
      const op = (parsed?.op as 'write' | 'read' | undefined) ?? (w?.op as 'write' | 'read' | undefined) ?? opFromText(step.workloadId);
      return op ? { kind: 'hadoop', op } : { kind: 'other' };
    }
    case 'iperf3': {
      const dir = (parsed?.direction as string | undefined) ?? (w?.direction as string | undefined) ?? (/\s-R\b/.test(commands) ? 'receive' : 'send');
      return { kind: 'network', direction: dir === 'receive' ? 'receive' : 'transmit' };
    }
    case 'netperf': {
      const test = (parsed?.test as string | undefined) ?? (w?.test as string | undefined) ?? (/MAERTS/i.test(commands) ? 'TCP_MAERTS' : 'TCP_STREAM');
      return { kind: 'network', direction: test === 'TCP_MAERTS' ? 'receive' : 'transmit' };
    }
    default:
      return { kind: 'other' };
  }
}

export function workloadTitle(w: WorkloadClass): string {
  switch (w.kind) {
    case 'storage':
      return `${w.tool} ${w.op}${w.access === 'async' ? ' (async, queued)' : ''}`;
    case 'hadoop':
      return `streaming ${w.op}`;
    case 'network':
      return `network ${w.direction}`;
    default:
      return 'other';
  }
}
