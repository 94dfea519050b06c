// A value that changes often (a queue position read every 2 s) for an aria-live region: the first value at once, then
// at most one change per `everyMs` (the latest), so a screen reader is told now and then rather than all the time.
import { useEffect, useRef, useState } from 'react';

export function useCalmValue<T>(value: T, everyMs: number): T {
  const [shown, setShown] = useState(value);
  const shownAt = useRef(0);
  useEffect(() => {
    const show = () => {
      shownAt.current = Date.now();
      setShown(value);
    };
    const wait = shownAt.current + everyMs - Date.now();
    if (wait <= 0) return show();
    const timer = setTimeout(show, wait);
    return () => clearTimeout(timer);
  }, [value, everyMs]);
  return shown;
}
