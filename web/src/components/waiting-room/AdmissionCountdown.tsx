// The time left of the customer's turn to hold seats: shown by the second, told to screen readers once a minute
// (politely) and at the end (at once). The deadline is the server's, counted down on the server's clock.
import { useEffect } from 'react';
import { clockText, useSecondsLeft } from '../common/use-seconds-left.ts';

function minutesWords(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return minutes <= 1 ? 'Less than a minute left to hold your seats.' : `${minutes} minutes left to hold your seats.`;
}

export function AdmissionCountdown({ expiresAt, onEnded }: { expiresAt: string; onEnded: () => void }) {
  const left = useSecondsLeft(expiresAt);
  useEffect(() => {
    if (left === 0) onEnded();
  }, [left, onEnded]);

  return (
    <div className="admission-countdown">
      <p>
        Your turn: <strong aria-hidden="true">{clockText(left)}</strong> left to hold your seats.
      </p>
      {/* Only the minute is announced: a screen reader told every second could hear nothing else. */}
      <p className="visually-hidden" aria-live="polite">
        {left > 0 ? minutesWords(left) : ''}
      </p>
      <p className="visually-hidden" aria-live="assertive">
        {left === 0 ? 'Your turn has run out.' : ''}
      </p>
    </div>
  );
}
