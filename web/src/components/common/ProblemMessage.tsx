// An API problem shown in words, announced to screen readers as it appears.
import { describeProblem, type Problem } from '../../api/problems.ts';

export function ProblemMessage({ problem }: { problem: Problem | undefined }) {
  if (!problem) return null;
  return (
    <p className="problem" role="alert">
      {describeProblem(problem)}
    </p>
  );
}
