// The log of one step record: what its check, action and verify printed, with a heading per
// phase. Kept to its last 64 KiB and saved at most once per `flushMs` while the step runs, so
// a UI opening the install mid-step sees the output so far without a database write per line.
import { INSTALL_LOG_MAX_BYTES, tailUtf8 } from '../store/installs.js';

export class StepLog {
  private text = '';
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly flushMs: number, private readonly save: (log: string) => void) {}

  line(text: string): void {
    this.text += `${text}\n`;
    // Trim now and then, not on every line: the stored value is trimmed again anyway.
    if (this.text.length > 4 * INSTALL_LOG_MAX_BYTES) this.text = tailUtf8(this.text);
    if (this.closed) return;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      try {
        this.save(this.value());
      } catch {
        // An intermediate save may fail (the backend closing); the step's final update stores the log.
      }
    }, this.flushMs);
  }

  heading(text: string): void {
    this.line(`== ${text}`);
  }

  value(): string {
    return tailUtf8(this.text);
  }

  /** Stops saving on its own; the caller stores the final value itself. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
