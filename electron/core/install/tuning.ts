// Timings of the install runner; tests shorten them.
export interface InstallTuning {
  /** Pause before reconnecting after the connection dropped mid-step. */
  retryDelayMs: number;
  /** How long a rebooting node may take to answer with a new boot id. */
  rebootTimeoutMs: number;
  rebootPollMs: number;
  /** At most one stored log update (and install.step event) per this while a step prints. */
  logFlushMs: number;
}

export const DEFAULT_INSTALL_TUNING: InstallTuning = { retryDelayMs: 3000, rebootTimeoutMs: 15 * 60_000, rebootPollMs: 5000, logFlushMs: 1000 };

