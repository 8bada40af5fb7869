// Replays a row of Shafer 2010 through the advisor, as if the paper's run were a user's: lets
// the UI explain the paper's own numbers and lets tests pin each rule to the rows it was built on.
import { configForRow } from '../reference/match.js';
import { nativeRow } from '../reference/shafer2010.js';
import type { PaperRow } from '../reference/types.js';
import type { AdvisorInput } from './types.js';

export function advisorInputFromPaperRow(row: PaperRow): AdvisorInput {
  const input: AdvisorInput = { workload: row.workload, guestMBps: row.bandwidthMBps };
  if (row.avgRqSectors !== null && row.avgQueue !== null && row.utilPct !== null) {
    input.host = { avgRqSectors: row.avgRqSectors, avgQueue: row.avgQueue, utilPct: row.utilPct };
  }
  const config = configForRow(row);
  // Native rows are the baselines themselves; EC2 ran on other hardware, so it has no baseline here.
  if (!config) return input;
  input.hostBaselineMBps = nativeRow(row.workload, config.target).bandwidthMBps;
  input.config = config.target === 'ebs' ? { bus: config.bus, backing: config.backing, ebs: 'via-host' } : { bus: config.bus, backing: config.backing };
  return input;
}
