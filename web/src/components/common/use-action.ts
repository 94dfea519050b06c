// Something a form or button does against the API: it is busy while the call runs (so a second press waits), and a
// refusal is kept as the Problem to show in words and next to its fields.
import { useCallback, useState } from 'react';
import { problemOf, type Problem } from '../../api/problems.ts';

export interface Action {
  busy: boolean;
  problem: Problem | undefined;
  /** Runs `fn` with the last problem cleared; whatever it throws becomes the problem. */
  run: (fn: () => Promise<void>) => Promise<void>;
  /** A problem found before anything is sent (a check in the browser). */
  fail: (problem: Problem) => void;
  clear: () => void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();

  const run = useCallback(async (fn: () => Promise<void>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await fn();
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setProblem(undefined), []);

  return { busy, problem, run, fail: setProblem, clear };
}
