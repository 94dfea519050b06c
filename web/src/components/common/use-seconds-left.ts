// The seconds left until a server deadline (a hold's, an admission's expiresAt), counted on the server's clock and
// ticking each second: a device clock minutes off still shows the time really left.
import { useEffect, useState } from 'react';
import { serverNow } from '../../api/clock.ts';

function secondsLeft(expiresAt: string): number {
  return Math.max(0, Math.ceil((new Date(expiresAt).getTime() - serverNow()) / 1000));
}

/** "4:05": minutes and seconds, as a countdown shows them. */
export function clockText(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function useSecondsLeft(expiresAt: string): number {
  const [left, setLeft] = useState(() => secondsLeft(expiresAt));
  useEffect(() => {
    setLeft(secondsLeft(expiresAt));
    const timer = setInterval(() => setLeft(secondsLeft(expiresAt)), 1000);
    return () => clearInterval(timer);
  }, [expiresAt]);
  return left;
}
