// A job's live output (job.log lines) in a terminal-like pane that follows the newest line
// unless the user has scrolled up to read.
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { JobLogLine } from '../../../../shared/model.js';
import { useApp } from '../../store/index.js';

const NO_LINES: JobLogLine[] = [];
/** Within this many pixels of the bottom the pane counts as following the output. */
const FOLLOW_SLACK_PX = 24;

export function LogPane({ jobId, testId, empty, short = false }: { jobId: string | null; testId: string; empty: string; short?: boolean }) {
  const lines = useApp((s) => (jobId ? (s.jobLogs[jobId] ?? NO_LINES) : NO_LINES));
  const watchJobLogs = useApp((s) => s.watchJobLogs);
  const pane = useRef<HTMLPreElement>(null);
  const following = useRef(true);

  useEffect(() => watchJobLogs(), [watchJobLogs]);

  useLayoutEffect(() => {
    const el = pane.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  const onScroll = () => {
    const el = pane.current;
    if (el) following.current = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK_PX;
  };

  return (
    <pre ref={pane} className={short ? 'log-pane short' : 'log-pane'} onScroll={onScroll} data-testid={testId} data-job-id={jobId ?? ''} data-lines={lines.length} aria-live="off">
      {lines.length === 0 ? (
        <span className="log-empty">{empty}</span>
      ) : (
        lines.map((l, i) => (
          <div key={i} className={`log-line ${l.stream}`} data-testid="log-line" data-stream={l.stream}>
            {l.text}
          </div>
        ))
      )}
    </pre>
  );
}
