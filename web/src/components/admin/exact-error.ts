// A problem's message for exactly one field path: for errors about a whole group (`sections.0.rows`) that must not
// pick up the errors of the fields inside it, which are shown next to those fields.
import type { Problem } from '../../api/problems.ts';

export function exactError(problem: Problem | undefined, field: string): string | undefined {
  return problem?.errors?.find((e) => e.field === field)?.message;
}
