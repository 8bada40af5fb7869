import { useState } from 'react';

/** A destructive action that takes two clicks; unlike window.confirm it works alike in Electron, browsers and tests. */
export function ConfirmButton(props: { label: string; question: string; confirmLabel: string; busy: boolean; onConfirm: () => void; testId: string }) {
  const [armed, setArmed] = useState(false);
  if (!armed) {
    return (
      <button type="button" className="danger-outline" onClick={() => setArmed(true)} data-testid={props.testId}>
        {props.label}
      </button>
    );
  }
  return (
    <span className="confirm">
      <span className="small">{props.question}</span>
      <button type="button" className="danger" disabled={props.busy} aria-busy={props.busy} onClick={props.onConfirm} data-testid={`${props.testId}-confirm`}>
        {props.busy ? 'Working…' : props.confirmLabel}
      </button>
      <button type="button" onClick={() => setArmed(false)}>
        Cancel
      </button>
    </span>
  );
}
