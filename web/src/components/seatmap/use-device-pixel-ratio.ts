// The device's pixels per CSS pixel, followed as the page is zoomed or moved to another screen: the canvases are
// sized to it, so the seats stay sharp.
import { useEffect, useState } from 'react';

export function useDevicePixelRatio(): number {
  const [dpr, setDpr] = useState(() => window.devicePixelRatio || 1);
  useEffect(() => {
    // A query for the ratio now matches no longer once it changes; then ask again about the new one.
    const query = window.matchMedia(`(resolution: ${dpr}dppx)`);
    const changed = () => setDpr(window.devicePixelRatio || 1);
    query.addEventListener('change', changed);
    return () => query.removeEventListener('change', changed);
  }, [dpr]);
  return dpr;
}
