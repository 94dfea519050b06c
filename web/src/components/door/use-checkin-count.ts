// The live door count: GET /events/{id}/checkins/summary/stream read with fetch (EventSource cannot send the
// scanner's token), each `summary` message replacing the last; reconnected after a drop, a fresh summary first.
import { useEffect, useState } from 'react';
import { authorizedFetch } from '../../api/client.ts';
import { pause, readEvents } from '../../api/event-stream.ts';
import type { components } from '../../api/bookings.gen.ts';
import { problemOf, type Problem } from '../../api/problems.ts';

export type CheckinSummary = components['schemas']['CheckinSummary'];

const RETRY_MS = 2_000;

export interface CheckinCount {
  summary: CheckinSummary | undefined;
  /** False while the stream is (re)connecting: the count may be behind. */
  live: boolean;
  problem: Problem | undefined;
}

export function useCheckinCount(eventId: string): CheckinCount {
  const [summary, setSummary] = useState<CheckinSummary>();
  const [live, setLive] = useState(false);
  const [problem, setProblem] = useState<Problem>();

  useEffect(() => {
    const stop = new AbortController();
    const onSummary = (s: CheckinSummary) => {
      setSummary(s);
      setLive(true);
      setProblem(undefined);
    };
    void (async () => {
      while (!stop.signal.aborted) {
        const refused = await follow(eventId, stop.signal, onSummary);
        setLive(false);
        if (refused) setProblem(refused);
        // A refusal (no grant, signed out) will not mend itself by asking again at once.
        if (refused && refused.status >= 400 && refused.status < 500 && refused.status !== 401) return;
        await pause(RETRY_MS, stop.signal);
      }
    })();
    return () => stop.abort();
  }, [eventId]);

  return { summary, live, problem };
}

/** Reads the stream until it ends; answers the problem when it was refused. */
async function follow(eventId: string, signal: AbortSignal, onSummary: (s: CheckinSummary) => void): Promise<Problem | undefined> {
  try {
    const res = await open(eventId, signal);
    if (!res.ok || !res.body) return problemOf(await res.json().catch(() => undefined), res);
    await readEvents(res.body, (event, data) => {
      if (event === 'summary') onSummary(JSON.parse(data) as CheckinSummary);
    });
    return undefined;
  } catch {
    return signal.aborted ? undefined : problemOf(undefined);
  }
}

function open(eventId: string, signal: AbortSignal): Promise<Response> {
  // Each (re)connection sends a current token: a stream reopened after 15 minutes is not refused for an old one.
  return authorizedFetch(`/events/${encodeURIComponent(eventId)}/checkins/summary/stream`, {
    headers: { accept: 'text/event-stream' },
    signal,
  });
}
