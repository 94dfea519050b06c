// The time left to pay: shown by the second, told to screen readers once a minute (politely) and at the end (at once).
// The deadline is the server's, so it is counted down on the server's clock: a device clock minutes off still shows
// the time the hold really has.
import { useEffect } from 'react';
import { clockText, useSecondsLeft } from '../../components/common/use-seconds-left.ts';

function minutesWords(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return minutes <= 1 ? 'Less than a minute left to pay.' : `${minutes} minutes left to pay.`;
}

export function HoldCountdown({ expiresAt, onExpired }: { expiresAt: string; onExpired: () => void }) {
  const left = useSecondsLeft(expiresAt);
  useEffect(() => {
    if (left === 0) onExpired();
  }, [left, onExpired]);

  return (
    <div className="hold-countdown">
      <p>
        Seats held for you: <strong aria-hidden="true">{clockText(left)}</strong> left to pay.
      </p>
      {/* Only the minute is announced: a screen reader told every second could hear nothing else. */}
      <p className="visually-hidden" aria-live="polite">
        {left > 0 ? minutesWords(left) : ''}
      </p>
      <p className="visually-hidden" aria-live="assertive">
        {left === 0 ? 'Your hold has run out.' : ''}
      </p>
    </div>
  );
}
