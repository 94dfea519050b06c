// A QR code drawn on a canvas with the `qrcode` package, described for screen readers by what it is for.
import QRCode from 'qrcode';
import { useEffect, useRef, useState } from 'react';

export function QrCode({ value, label }: { value: string; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!canvas.current) return;
    // Error correction L keeps a ~350-character code at a size a phone camera at the door reads easily.
    QRCode.toCanvas(canvas.current, value, { errorCorrectionLevel: 'L', margin: 4, width: 420 }).then(
      () => setFailed(false),
      () => setFailed(true),
    );
  }, [value]);

  if (failed) return <p className="problem">The code could not be drawn. Show the printed ticket instead.</p>;
  return <canvas ref={canvas} className="qr-code" role="img" aria-label={label} />;
}
