// The time left until a deadline of the server's (a hold to pay for, a turn to hold seats): shown by the second, told
// to screen readers once a minute (politely) and at the end (at once). It is counted down on the server's clock, so a
// device clock minutes off still shows the time really left.
import { useEffect, type ReactNode } from 'react';
import { clockText, useSecondsLeft } from './use-seconds-left.ts';

interface CountdownProps {
  expiresAt: string;
  onEnded: () => void;
  className: string;
  /** What the time is for, before the clock: "Seats held for you:". */
  lead: ReactNode;
  /** What is left to do, after "left": "to pay". */
  task: string;
  /** Said once the time is up. */
  ended: string;
}

function minutesWords(seconds: number, task: string): string {
  const minutes = Math.ceil(seconds / 60);
  return minutes <= 1 ? `Less than a minute left ${task}.` : `${minutes} minutes left ${task}.`;
}

export function Countdown({ expiresAt, onEnded, className, lead, task, ended }: CountdownProps) {
  const left = useSecondsLeft(expiresAt);
  useEffect(() => {
    if (left === 0) onEnded();
  }, [left, onEnded]);

  return (
    <div className={className}>
      <p>
        {lead} <strong aria-hidden="true">{clockText(left)}</strong> left {task}.
      </p>
      {/* Only the minute is announced: a screen reader told every second could hear nothing else. */}
      <p className="visually-hidden" aria-live="polite">
        {left > 0 ? minutesWords(left, task) : ''}
      </p>
      <p className="visually-hidden" aria-live="assertive">
        {left === 0 ? ended : ''}
      </p>
    </div>
  );
}
