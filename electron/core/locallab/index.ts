// The embedded local lab: real QEMU guests on this machine, built from Debian packages and
// reached over SSH like the guests of a real lab. Needs root (namespaces, taps, /dev/kvm).
export { buildGuestImage, defaultLabCacheDir, GUEST_MODULES, GUEST_TOOLS, BUILD_TOOLS } from './image.js';
export type { BuildImageOptions, GuestImage } from './image.js';
export { detectAccelerator, probeKvm } from './accel.js';
export type { AccelVerdict, DetectAccelOptions } from './accel.js';
export { cleanupStaleGuests, startGuest } from './guest.js';
export type { RunningGuest, StartGuestOptions } from './guest.js';
export { cleanupStaleNetworks, createLabNetwork } from './netns.js';
export type { LabNetwork } from './netns.js';
export { requireBinaries, isRoot } from './host.js';
export { labDown, labUp, preflight, LAB_TOOLS } from './lab.js';
export type { LabContext, LabUp } from './lab.js';
export { localLabHooks, isLocalLab } from './guest-apply.js';
export { findLocalLab, localLabStatus, registerLocalLab } from './lab-inventory.js';
export { planForPreset, presetLab } from './presets-run.js';
