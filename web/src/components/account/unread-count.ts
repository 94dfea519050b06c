// The unread notification count the header shows, shared with the notifications page so marking read updates both.
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';

type Listener = (count: number) => void;
const listeners = new Set<Listener>();
let last: number | undefined;

/** Tells every listener the new count (after the page marked some read, or loaded the list). */
export function publishUnread(count: number): void {
  last = count;
  for (const l of listeners) l(count);
}

/** Asks the API for the count now. */
export async function refreshUnread(): Promise<void> {
  const { data } = await api.users.GET('/users/me/notifications', { params: { query: { limit: 1, unread: 'true' } } });
  if (data) publishUnread(data.unreadCount);
}

/** The current count, refreshed on mount and every `everyMs` (new notifications arrive from facts in the background). */
export function useUnreadCount(everyMs = 30_000): number | undefined {
  const [count, setCount] = useState(last);
  useEffect(() => {
    listeners.add(setCount);
    void refreshUnread();
    const timer = setInterval(() => void refreshUnread(), everyMs);
    return () => {
      listeners.delete(setCount);
      clearInterval(timer);
    };
  }, [everyMs]);
  return count;
}
