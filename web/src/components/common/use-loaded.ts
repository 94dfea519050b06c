// Loads what a page shows and keeps its problem, with a reload for after a change; a late answer for a page the
// customer has left is dropped.
import { useCallback, useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import { problemOf, type Problem } from '../../api/problems.ts';

export interface Loaded<T> {
  data: T | undefined;
  problem: Problem | undefined;
  reload: () => Promise<void>;
  /** Replaces what was loaded with what a change on the page answered, without asking again. */
  setData: Dispatch<SetStateAction<T | undefined>>;
}

export function useLoaded<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [problem, setProblem] = useState<Problem>();
  // The caller names what the load depends on (the id in the path), as with useEffect.
  const run = useCallback(load, deps);

  const reload = useCallback(async () => {
    try {
      setData(await run());
      setProblem(undefined);
    } catch (err) {
      setProblem(problemOf(err));
    }
  }, [run]);

  useEffect(() => {
    let live = true;
    run().then(
      (d) => {
        if (!live) return;
        setData(d);
        setProblem(undefined);
      },
      (err: unknown) => {
        if (live) setProblem(problemOf(err));
      },
    );
    return () => {
      live = false;
    };
  }, [run]);

  return { data, problem, reload, setData };
}
