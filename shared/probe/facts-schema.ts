// A runtime check of NodeFacts, for facts that come back from storage or over the wire
// (and for the parser's fuzz test, which must only ever produce facts that pass it).
import { z } from 'zod';
import { PROBED_TOOLS, type BlockDevice, type NodeFacts, type ProbedTool } from '../facts.js';

const nullableText = z.string().nullable();
const count = z.number().int().nonnegative();

const blockDeviceSchema: z.ZodType<BlockDevice> = z.object({
  name: z.string().min(1),
  sizeBytes: count.nullable(),
  model: nullableText,
  type: nullableText,
  fsType: nullableText,
  mountpoints: z.array(z.string()),
  get children() {
    return z.array(blockDeviceSchema);
  },
});

const toolFactSchema = z.object({ installed: z.boolean(), version: nullableText, path: nullableText });

const toolsSchema = z.object(
  Object.fromEntries(PROBED_TOOLS.map((t) => [t, toolFactSchema])) as Record<ProbedTool, typeof toolFactSchema>,
);

export const nodeFactsSchema: z.ZodType<NodeFacts> = z.object({
  distro: z.object({ id: nullableText, name: nullableText, version: nullableText, prettyName: nullableText }),
  kernel: nullableText,
  arch: nullableText,
  cpu: z.object({ model: nullableText, cores: count.positive().nullable(), virtFlags: z.array(z.enum(['vmx', 'svm'])) }),
  memoryBytes: count.nullable(),
  kvmDevice: z.boolean(),
  blockDevices: z.array(blockDeviceSchema),
  nics: z.array(
    z.object({
      name: z.string().min(1),
      mtu: count.positive().nullable(),
      speedMbps: count.positive().nullable(),
      state: nullableText,
      mac: nullableText,
    }),
  ),
  tools: toolsSchema,
  vmNoise: z.object({ hypervisor: z.boolean().nullable(), freePageReporting: z.boolean(), pageReportingOrder: count.nullable() }).optional(),
  warnings: z.array(z.string()),
});
