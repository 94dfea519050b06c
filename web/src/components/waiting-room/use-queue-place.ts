// The customer's place in the event's waiting room, kept live: GET …/queue/me/stream read with fetch (EventSource
// cannot send the token), each `place` message replacing the last, until the place can change no more. When the
// stream cannot be opened or drops, the place is read with GET …/queue/me every few seconds for a while, then the
// stream is tried again.
import { useCallback, useEffect, useState } from 'react';
import { authorizedFetch } from '../../api/client.ts';
import { pause, readEvents } from '../../api/event-stream.ts';
import { problemOf, type Problem } from '../../api/problems.ts';
import { FINAL_STATES, NO_PLACE, readPlace, type QueuePlace } from './queue-api.ts';

const POLL_MS = 3_000;
/** Polls between two tries of the stream. */
const POLLS_PER_STREAM_TRY = 5;

export interface QueueFollow {
  /** undefined while it is first read; null when there is no place (signed out, or not joined). */
  place: QueuePlace | null | undefined;
  /** True while the stream is open: changes show at once. */
  live: boolean;
  /** A read that was refused (not one that may mend by itself). */
  problem: Problem | undefined;
  /** Shows a place an action answered (a join, a leave) and follows it from there. */
  keep: (place: QueuePlace | null) => void;
  /** Reads the place again now (after a hold refused for its admission). */
  refresh: () => void;
}

interface Listener {
  onPlace: (place: QueuePlace | null) => void;
  onLive: (live: boolean) => void;
  onProblem: (problem: Problem) => void;
}

/** Whether following may stop: nothing more will change, or a refusal that asking again will not mend. */
type Step = 'over' | 'again';

function settle(problem: Problem, to: Listener): Step {
  if (NO_PLACE.has(problem.code)) {
    to.onPlace(null);
    return 'over';
  }
  if (problem.status >= 400 && problem.status < 500 && problem.status !== 429) {
    to.onProblem(problem);
    return 'over';
  }
  return 'again';
}

async function fromStream(eventId: string, signal: AbortSignal, to: Listener): Promise<Step> {
  let last: QueuePlace | undefined;
  try {
    // Each (re)connection sends a current token: a stream reopened after a long wait is not refused for an old one.
    const res = await authorizedFetch(`/events/${encodeURIComponent(eventId)}/queue/me/stream`, {
      headers: { accept: 'text/event-stream' },
      signal,
    });
    if (!res.ok || !res.body) return settle(problemOf(await res.json().catch(() => undefined), res), to);
    to.onLive(true);
    await readEvents(res.body, (event, data) => {
      if (event !== 'place') return;
      last = JSON.parse(data) as QueuePlace;
      to.onPlace(last);
    });
  } catch {
    if (signal.aborted) return 'over';
  } finally {
    to.onLive(false);
  }
  return last && FINAL_STATES.has(last.state) ? 'over' : 'again';
}

async function fromPoll(eventId: string, signal: AbortSignal, to: Listener): Promise<Step> {
  try {
    const place = await readPlace(eventId, signal);
    to.onPlace(place);
    return FINAL_STATES.has(place.state) ? 'over' : 'again';
  } catch (err) {
    return signal.aborted ? 'over' : settle(problemOf(err), to);
  }
}

async function follow(eventId: string, signal: AbortSignal, to: Listener): Promise<void> {
  while (!signal.aborted) {
    if ((await fromStream(eventId, signal, to)) === 'over') return;
    for (let i = 0; i < POLLS_PER_STREAM_TRY; i++) {
      await pause(POLL_MS, signal);
      if (signal.aborted || (await fromPoll(eventId, signal, to)) === 'over') return;
    }
  }
}

/** `signedIn` is undefined while the session is being restored: the place is not asked for until it is known. */
export function useQueuePlace(eventId: string, signedIn: boolean | undefined): QueueFollow {
  const [place, setPlace] = useState<QueuePlace | null>();
  const [live, setLive] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  // Each change of it starts following afresh.
  const [round, setRound] = useState(0);

  useEffect(() => {
    if (signedIn === undefined) return;
    if (!signedIn) return setPlace(null);
    const stop = new AbortController();
    const listener: Listener = {
      onPlace: (p) => {
        setPlace(p);
        setProblem(undefined);
      },
      onLive: setLive,
      onProblem: setProblem,
    };
    void follow(eventId, stop.signal, listener);
    return () => stop.abort();
  }, [eventId, signedIn, round]);

  const keep = useCallback((p: QueuePlace | null) => {
    setPlace(p);
    setProblem(undefined);
    setRound((r) => r + 1);
  }, []);
  const refresh = useCallback(() => setRound((r) => r + 1), []);

  return { place, live, problem, keep, refresh };
}
