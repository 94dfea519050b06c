// The time left to pay for the hold.
import { Countdown } from '../../components/common/Countdown.tsx';

export function HoldCountdown({ expiresAt, onExpired }: { expiresAt: string; onExpired: () => void }) {
  return (
    <Countdown
      expiresAt={expiresAt}
      onEnded={onExpired}
      className="hold-countdown"
      lead="Seats held for you:"
      task="to pay"
      ended="Your hold has run out."
    />
  );
}
