// The camera QR reader: the back camera's video, a frame decoded by jsQR several times a second, each code handed on
// once (the same code held in front of the lens is not scanned again until it has been away for a moment).
import jsQR from 'jsqr';
import { useEffect, useRef, useState } from 'react';

/** How often a frame is decoded: fast enough to feel instant, slow enough for a phone's battery. */
const FRAME_MS = 150;
/** A code seen again within this is the same one still in view. */
const SAME_CODE_MS = 10_000;

/**
 * The ticket a code stands for: its print code (a JWS, three dot-separated parts). The app's live code adds a window
 * and a one-time value that change every 15 s, so a phone held up across a change is still the same ticket.
 */
const ticketOf = (code: string) => code.split('.').slice(0, 3).join('.');

export function CameraReader({ onCode }: { onCode: (code: string) => void }) {
  const [on, setOn] = useState(false);
  const [problem, setProblem] = useState<string>();
  const hasCamera = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
  if (!hasCamera) return <p className="hint">This browser offers no camera here; type or paste the code instead.</p>;
  return (
    <div className="camera-reader">
      <button type="button" aria-pressed={on} onClick={() => (setProblem(undefined), setOn(!on))}>
        {on ? 'Stop camera' : 'Scan with camera'}
      </button>
      {on && <CameraView onCode={onCode} onProblem={(p) => (setProblem(p), setOn(false))} />}
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

function CameraView({ onCode, onProblem }: { onCode: (code: string) => void; onProblem: (problem: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const handlers = useRef({ onCode, onProblem });
  handlers.current = { onCode, onProblem };

  useEffect(() => {
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    let stopped = false;
    const canvas = document.createElement('canvas');
    const last = { code: '', at: 0 };
    const decode = () => {
      const v = video.current;
      if (!v || v.readyState < v.HAVE_ENOUGH_DATA) return;
      const code = readFrame(v, canvas);
      const now = Date.now();
      const ticket = code ? ticketOf(code) : '';
      if (code && (ticket !== last.code || now - last.at > SAME_CODE_MS)) handlers.current.onCode(code);
      if (code) Object.assign(last, { code: ticket, at: now });
    };
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(
      async (s) => {
        if (stopped) return s.getTracks().forEach((t) => t.stop());
        stream = s;
        if (video.current) {
          video.current.srcObject = s;
          await video.current.play().catch(() => undefined);
        }
        timer = setInterval(decode, FRAME_MS);
      },
      (err: unknown) => handlers.current.onProblem(cameraProblem(err)),
    );
    return () => {
      stopped = true;
      clearInterval(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);

  return (
    <video ref={video} className="camera-video" muted playsInline aria-label="Camera view: hold the ticket’s QR code in front of it" />
  );
}

function readFrame(v: HTMLVideoElement, canvas: HTMLCanvasElement): string | undefined {
  canvas.width = v.videoWidth;
  canvas.height = v.videoHeight;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx || canvas.width === 0) return undefined;
  ctx.drawImage(v, 0, 0);
  const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' })?.data || undefined;
}

function cameraProblem(err: unknown): string {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError') return 'The camera was not allowed. Allow it in the browser, or type the code.';
  if (name === 'NotFoundError') return 'No camera was found. Type or paste the code instead.';
  return 'The camera could not be started. Type or paste the code instead.';
}
