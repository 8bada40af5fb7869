// The one number a step is judged by, from its parsed output, and plain-language labels for
// workloads (reports, progress lines, the UI). Units: MBps = 10^6 B/s, Mbps = 10^6 bit/s.
import { AppError, missingCase } from '../result.js';
import type { FioResult, ToolName, ToolResults } from '../parsers/index.js';
import type { StepMetric } from './types.js';
import { fioDirect, type Workload } from './plan.js';
import { formatSize } from './units.js';

/** TestDFSIO's "MB" is 2^20 bytes; a StepMetric's MBps is 10^6 bytes per second. */
const TESTDFSIO_MB = 2 ** 20 / 1e6;

const bandwidth = (value: number): StepMetric => ({ name: 'bandwidth', value, unit: 'MBps' });
const throughput = (value: number): StepMetric => ({ name: 'throughput', value, unit: 'Mbps' });

/**
 * The metric of a parsed tool result. With the workload that ran, the result is also checked
 * against what was asked (an iperf3 that ran the other way is a wrong measurement, not a
 * number). Without one (an imported output) it returns null where no single figure is
 * honest: iostat, or fio jobs moving data in different directions.
 */
export function metricOf<T extends ToolName>(tool: T, parsed: ToolResults[T], workload?: Workload): StepMetric | null {
  if (workload && workload.tool !== tool) throw new AppError('INTERNAL', `metricOf: a ${tool} result for ${workload.tool} workload "${workload.id}"`);
  const result = parsed as ToolResults[ToolName];
  switch (tool) {
    case 'dd':
      return bandwidth((result as ToolResults['dd']).MBps);
    case 'fio':
      return fioMetric(result as FioResult, workload?.tool === 'fio' ? workload.op : undefined);
    case 'testdfsio': {
      const r = result as ToolResults['testdfsio'];
      if (workload?.tool === 'testdfsio' && workload.op !== r.op) mismatch(workload.id, `TestDFSIO reports a ${r.op} test`, `${workload.op} was asked`);
      return bandwidth(r.throughputMBps * TESTDFSIO_MB);
    }
    case 'iperf3': {
      const r = result as ToolResults['iperf3'];
      if (workload?.tool === 'iperf3' && workload.direction !== r.direction) mismatch(workload.id, `iperf3 measured the ${r.direction} direction`, `${workload.direction} was asked`);
      return throughput(r.Mbps);
    }
    case 'netperf': {
      const r = result as ToolResults['netperf'];
      if (workload?.tool === 'netperf' && workload.test !== r.test) mismatch(workload.id, `netperf ran ${r.test}`, `${workload.test} was asked`);
      return throughput(r.Mbps);
    }
    case 'iostat':
      return null;
    default:
      return missingCase(tool as never);
  }
}

function mismatch(id: string, got: string, wanted: string): never {
  throw new AppError('PARSE_ERROR', `workload "${id}": ${got}, but ${wanted}`);
}

function fioMetric(result: FioResult, op: 'read' | 'write' | undefined): StepMetric | null {
  const read = result.jobs.reduce((s, j) => s + j.readMBps, 0);
  const write = result.jobs.reduce((s, j) => s + j.writeMBps, 0);
  if (op !== undefined) return bandwidth(op === 'read' ? read : write);
  if (write === 0) return bandwidth(read);
  if (read === 0) return bandwidth(write);
  // One mixed job (randrw): its total is what fio itself reports. Separate read and write jobs
  // may have run one after the other (stonewall), so their sum would be no real rate.
  return result.jobs.length === 1 ? bandwidth(read + write) : null;
}

/** "dd write 20G in 64k blocks (conv=fdatasync)", "fio read ... (TestDFSIO stand-in)". */
export function describeWorkload(w: Workload): string {
  switch (w.tool) {
    case 'dd': {
      const how = { fdatasync: 'conv=fdatasync', direct: w.op === 'write' ? 'oflag=direct' : 'iflag=direct', dropcache: 'buffered, caches dropped' }[w.mode];
      return `dd ${w.op} ${formatSize(w.size)} in ${formatSize(w.blockSize)} blocks (${how})`;
    }
    case 'fio': {
      const engine = `${w.ioengine}${w.ioengine === 'libaio' ? ` iodepth ${w.iodepth}` : ''}`;
      const standIn = w.profile === 'streaming' ? ', streaming: the TestDFSIO stand-in' : '';
      return `fio ${w.op} ${formatSize(w.size)} in ${formatSize(w.blockSize)} blocks (${engine}, ${fioDirect(w) ? 'O_DIRECT' : 'page cache'}${standIn})`;
    }
    case 'testdfsio':
      return `Hadoop TestDFSIO ${w.op}: ${w.files} file${w.files > 1 ? 's' : ''} of ${w.fileSizeMB} MB`;
    case 'iperf3':
      return `iperf3 ${w.direction === 'send' ? `${w.client} → ${w.server}` : `${w.server} → ${w.client} (-R)`}, ${w.durationS} s, ${w.parallel} stream${w.parallel > 1 ? 's' : ''}`;
    case 'netperf':
      return `netperf ${w.test} ${w.test === 'TCP_STREAM' ? `${w.client} → ${w.server}` : `${w.server} → ${w.client}`}, ${w.durationS} s`;
    default:
      return missingCase(w);
  }
}

/** Bytes a storage step moves (for progress and ETA); null for network steps, which run for a set time. */
export function workloadBytes(w: Workload): number | null {
  if (w.tool === 'dd' || w.tool === 'fio') return w.size;
  if (w.tool === 'testdfsio') return w.files * w.fileSizeMB * 2 ** 20;
  return null;
}

/** Seconds a network step runs for; null for storage steps, which run until their bytes are moved. */
export function workloadSeconds(w: Workload): number | null {
  return w.tool === 'iperf3' || w.tool === 'netperf' ? w.durationS : null;
}
