// The time left of the customer's turn to hold seats.
import { Countdown } from '../common/Countdown.tsx';

export function AdmissionCountdown({ expiresAt, onEnded }: { expiresAt: string; onEnded: () => void }) {
  return (
    <Countdown
      expiresAt={expiresAt}
      onEnded={onEnded}
      className="admission-countdown"
      lead="Your turn:"
      task="to hold your seats"
      ended="Your turn has run out."
    />
  );
}
