// The customer's waiting-list entry, read on arrival and again every few seconds while it may change by itself (while
// waiting, an offer may come; an offer's hold is made, paid or runs out).
import { useCallback, useEffect, useState } from 'react';
import { problemOf, type Problem } from '../../api/problems.ts';
import { readEntry, type WaitingListEntry } from './waiting-list-api.ts';

const READ_EVERY_MS = 5_000;
const CHANGING: ReadonlySet<WaitingListEntry['state']> = new Set(['waiting', 'offered']);

export interface EntryFollow {
  /** undefined while it is first read; null when there is none (signed out, or not on the list). */
  entry: WaitingListEntry | null | undefined;
  problem: Problem | undefined;
  /** Shows the entry an action answered (a join, a leave). */
  keep: (entry: WaitingListEntry) => void;
}

export function useWaitingListEntry(eventId: string, signedIn: boolean | undefined): EntryFollow {
  const [entry, setEntry] = useState<WaitingListEntry | null>();
  const [problem, setProblem] = useState<Problem>();
  const read = useCallback(async () => {
    try {
      setEntry(await readEntry(eventId));
      setProblem(undefined);
    } catch (err) {
      const p = problemOf(err);
      if (p.code === 'WAITING_LIST_ENTRY_NOT_FOUND') setEntry(null);
      else setProblem(p);
    }
  }, [eventId]);

  useEffect(() => {
    if (signedIn === undefined) return;
    if (!signedIn) return setEntry(null);
    void read();
  }, [signedIn, read]);

  const changing = entry ? CHANGING.has(entry.state) : false;
  useEffect(() => {
    if (!changing) return;
    const timer = setInterval(() => void read(), READ_EVERY_MS);
    return () => clearInterval(timer);
  }, [changing, read]);

  const keep = useCallback((e: WaitingListEntry) => {
    setEntry(e);
    setProblem(undefined);
  }, []);
  return { entry, problem, keep };
}
