// The booking's tickets as a PDF: fetched with the access token (it lives in memory, so a plain link could not carry
// it) and handed to the browser as a download from a blob URL.
import { useEffect, useState } from 'react';
import { blobUrl } from '../../api/client.ts';

export function TicketsPdfButton({ bookingId }: { bookingId: string }) {
  const [url, setUrl] = useState<string>();
  const [state, setState] = useState<'idle' | 'loading' | 'failed'>('idle');

  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );

  const fileName = `eventix-tickets-${bookingId.slice(0, 8)}.pdf`;
  const download = async () => {
    setState('loading');
    try {
      const fresh = url ?? (await blobUrl(`/bookings/${bookingId}/tickets.pdf`));
      setUrl(fresh);
      const a = document.createElement('a');
      a.href = fresh;
      a.download = fileName;
      a.click();
      setState('idle');
    } catch {
      setState('failed');
    }
  };

  return (
    <div className="pdf-link">
      <button type="button" onClick={download} disabled={state === 'loading'}>
        {state === 'loading' ? 'Preparing the PDF…' : 'Download tickets (PDF)'}
      </button>
      {url && (
        <a href={url} target="_blank" rel="noreferrer">
          Open the tickets PDF
        </a>
      )}
      <p aria-live="polite" className={state === 'failed' ? 'problem' : 'visually-hidden'}>
        {state === 'failed' ? 'The PDF could not be made right now. Try again in a moment.' : ''}
      </p>
    </div>
  );
}
