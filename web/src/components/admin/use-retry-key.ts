// One Idempotency-Key per intended change: the same body sent again (a retry after a lost answer) reuses its key, so
// the API answers the first outcome instead of doing it twice; a changed body gets a fresh key.
import { useRef } from 'react';
import { idempotencyKey } from '../../api/client.ts';

export function useRetryKey(): (body: unknown) => string {
  const last = useRef<{ key: string; body: string }>(undefined);
  return (body) => {
    const text = JSON.stringify(body ?? null);
    if (last.current?.body !== text) last.current = { key: idempotencyKey(), body: text };
    return last.current.key;
  };
}
