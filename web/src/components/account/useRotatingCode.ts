// The live code of a ticket and the seconds until it changes, recomputed every window from the ticket's secret (so it
// keeps working without a network); the clock is read every second for the countdown. The window is the door's, so
// it is read on the server's clock as last learned: a device clock minutes off would show codes the door refuses.
import { useEffect, useState } from 'react';
import { serverNow } from '../../api/clock.ts';
import { importTicketSecret, nextChangeAt, rotatingCodeAt, windowAt, type RotatingSource } from './rotating-code.ts';

export interface LiveCode {
  code: string | undefined;
  secondsLeft: number;
}

export function useRotatingCode(source: RotatingSource | undefined): LiveCode {
  const [now, setNow] = useState(() => serverNow());
  const [key, setKey] = useState<CryptoKey>();
  const [code, setCode] = useState<string>();

  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), 1000);
    return () => clearInterval(timer);
  }, []);

  const secret = source?.secret;
  useEffect(() => {
    let live = true;
    setKey(undefined);
    if (secret) void importTicketSecret(secret).then((k) => live && setKey(k));
    return () => {
      live = false;
    };
  }, [secret]);

  const period = source?.periodSeconds ?? 15;
  const window = windowAt(now, period);
  useEffect(() => {
    if (!source || !key) return;
    let live = true;
    void rotatingCodeAt(source, key, window * period * 1000).then((c) => live && setCode(c));
    return () => {
      live = false;
    };
    // A new code only when the window (or the ticket) changes, not every second.
  }, [source, key, window, period]);

  return { code, secondsLeft: Math.max(0, Math.ceil((nextChangeAt(now, period) - now) / 1000)) };
}
