// An API problem shown in words, announced to screen readers as it appears, with how long to wait when the API said.
import { describeProblem, type Problem } from '../../api/problems.ts';

export function ProblemMessage({ problem }: { problem: Problem | undefined }) {
  if (!problem) return null;
  const wait = problem.retryAfterSeconds ? ` Try again in ${problem.retryAfterSeconds} seconds.` : '';
  return (
    <p className="problem" role="alert">
      {describeProblem(problem)}
      {wait}
    </p>
  );
}
