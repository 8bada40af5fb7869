// Public entry of the guest driver configuration model: validate once, render to any target.
import { missingCase } from '../result.js';
import { renderLibvirtXml } from './libvirt.js';
import { renderQemuArgv } from './qemu.js';
import { renderXlCfg } from './xl.js';
import type { RenderFormat } from './common.js';
import type { VmConfig } from './schema.js';

export { RENDER_FORMATS, cacheFlags } from './common.js';
export type { CacheFlags, RenderFormat } from './common.js';
export { describeConfig } from './describe.js';
export type { ConfigDescription, Hypervisor, PaperTerms } from './describe.js';
export { QEMU_BINARY, renderQemuArgv } from './qemu.js';
export { renderLibvirtXml } from './libvirt.js';
export { renderXlCfg, xlString } from './xl.js';
export { qemuImgCreateArgv } from './image.js';
export * from './schema.js';

/** The text `iovlab config render` prints: the argv as one JSON array line, the XML, or the xl.cfg. */
export function renderConfig(cfg: VmConfig, format: RenderFormat): string {
  switch (format) {
    case 'qemu':
      return JSON.stringify(renderQemuArgv(cfg)) + '\n';
    case 'libvirt':
      return renderLibvirtXml(cfg);
    case 'xl':
      return renderXlCfg(cfg);
    default:
      return missingCase(format);
  }
}
