// The stable code a domain operation answered with: 'ok' when it succeeded, its HttpProblem code when it refused.
import { HttpProblem } from '../../common/http/problem.ts';

export async function codeOf(operation: Promise<unknown>): Promise<string> {
  try {
    await operation;
    return 'ok';
  } catch (err) {
    if (err instanceof HttpProblem) return err.code;
    throw err;
  }
}
