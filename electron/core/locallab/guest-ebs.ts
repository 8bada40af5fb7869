// EBS attached inside the guest, over its virtual NIC — the change the paper's conclusion
// proposes, so storage data enters the guest through the (faster) virtualized network path
// instead of the virtualized disk: nbd-client against the front-end's qemu-nbd, or the guest
// kernel's aoe driver finding the front-end's vblade on the lab network.
import { parseNbdUrl } from '../../../shared/vmconfig/common.js';
import { AOE_TARGET, type VmConfig } from '../../../shared/vmconfig/index.js';
import { AppError } from '../../../shared/result.js';
import { shJoin } from '../ssh/quote.js';
import type { RunningGuest } from './guest.js';

export interface GuestEbs {
  /** The block device in the guest. */
  device: string;
  /** How it was attached, in words for the stored context. */
  how: string;
  detach(): Promise<void>;
}

const NBD_DEVICE = '/dev/nbd0';

async function mustExec(guest: RunningGuest, command: string, what: string): Promise<string> {
  const r = await guest.exec(command, { timeoutMs: 60_000 });
  if (r.code !== 0) throw new AppError('COMMAND_FAILED', `guest ${guest.name}: ${what} failed (exit ${String(r.code)}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout;
}

export async function guestEbsAttach(guest: RunningGuest, ebs: NonNullable<VmConfig['ebs']>, frontAddress: string): Promise<GuestEbs> {
  if (ebs.attach === 'guest-nbd') {
    const nbd = parseNbdUrl(ebs.export);
    await mustExec(guest, shJoin(['nbd-client', '-N', nbd.name, nbd.host, String(nbd.port), NBD_DEVICE]), `attaching ${ebs.export} with nbd-client`);
    return {
      device: NBD_DEVICE,
      how: `nbd-client in the guest connects to ${nbd.host}:${nbd.port} (export ${nbd.name}) over the guest's NIC; the guest's nbd driver presents ${NBD_DEVICE}`,
      detach: async () => void (await guest.exec(shJoin(['nbd-client', '-d', NBD_DEVICE]), { timeoutMs: 15_000 })),
    };
  }
  if (ebs.attach === 'guest-aoe') {
    const m = AOE_TARGET.exec(ebs.export);
    if (!m) throw new AppError('INVALID_ARGUMENT', `ebs.export ${ebs.export} is not an AoE target like aoe:e1.0`);
    const device = `/dev/etherd/e${m[1]}.${m[2]}`;
    // The aoe driver broadcasts a query when it loads; asking again covers a target that started later.
    const wait = [
      'i=0',
      `while [ ! -b ${device} ] && [ $i -lt 150 ]; do`,
      '  [ -w /dev/etherd/discover ] && echo > /dev/etherd/discover',
      '  sleep 0.1; i=$((i+1))',
      'done',
      `[ -b ${device} ] || { echo "no ${device} after 15 s; /dev/etherd holds: $(ls /dev/etherd 2>&1)" >&2; exit 1; }`,
    ].join('\n');
    await mustExec(guest, wait, `finding AoE target ${ebs.export} from ${frontAddress}'s vblade`);
    return {
      device,
      how: `the guest's aoe driver reaches the front-end's vblade (${ebs.export}) with ATA-over-Ethernet frames over the guest's NIC; it presents ${device}`,
      detach: async () => undefined,
    };
  }
  throw new AppError('INVALID_ARGUMENT', `ebs.attach ${ebs.attach} is attached by the host (QEMU), not inside the guest`);
}
