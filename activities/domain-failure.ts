// Domain refusals (a 4xx HttpProblem) become non-retryable activity failures typed by their stable code;
// anything else (a database hiccup, a timeout) stays retryable.
import { ApplicationFailure } from '@temporalio/common';
import { HttpProblem } from '../common/http/problem.ts';

export async function asActivity<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof HttpProblem && err.status < 500) {
      throw ApplicationFailure.create({
        type: err.code,
        message: err.message,
        nonRetryable: true,
        details: err.errors ? [err.errors] : [],
      });
    }
    throw err;
  }
}
