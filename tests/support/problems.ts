// The stable code a domain operation answered with: 'ok' when it succeeded, its DomainError code when it refused.
import { DomainError } from '../../common/errors/domain-error.ts';

export async function codeOf(operation: Promise<unknown>): Promise<string> {
  try {
    await operation;
    return 'ok';
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
}
