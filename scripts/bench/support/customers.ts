// Signed-in customers for the load, made before any timing starts: accounts through the users domain (argon2 hashing
// included, in parallel batches with a progress line) and a session each, straight in the bench users database.
// Kept for the rest of the run only: every run starts from fresh databases.
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../common/logger.ts';
import { createAccount } from '../../../domain/users/accounts.ts';
import type { UsersContext } from '../../../domain/users/context.ts';
import { openSession } from '../../../domain/users/sessions.ts';
import type { BenchPlatform } from './platform.ts';

export interface Customer {
  id: string;
  token: string;
}

const BATCH = 16;

export class CustomerPool {
  readonly #ready: Customer[] = [];
  readonly #ctx: UsersContext;
  readonly #say: (line: string) => void;

  constructor(bench: BenchPlatform, say: (line: string) => void) {
    this.#ctx = {
      orm: bench.platform.orms.users,
      keys: bench.keys,
      auth: bench.platform.config.auth,
      logger: createLogger({ log: { level: 'warn', format: 'json' } }, 'bench'),
      // The users process's outbox relay sends the user.registered facts on its next poll.
      published: () => undefined,
    };
    this.#say = say;
  }

  /** The first `count` customers, making the missing ones now. */
  async take(count: number): Promise<Customer[]> {
    const missing = count - this.#ready.length;
    if (missing > 0) {
      const started = Date.now();
      for (let made = 0; made < missing; made += BATCH) {
        const batch = Math.min(BATCH, missing - made);
        this.#ready.push(...(await Promise.all(Array.from({ length: batch }, () => this.#one()))));
        process.stdout.write(`\r  customers: ${made + batch} of ${missing} signed up and signed in`);
      }
      process.stdout.write('\n');
      this.#say(`${missing} customers ready in ${Math.round((Date.now() - started) / 1000)} s`);
    }
    return this.#ready.slice(0, count);
  }

  async #one(): Promise<Customer> {
    const user = await createAccount(
      this.#ctx,
      { email: `bench-${randomUUID()}@example.com`, password: 'bench customer password', name: 'Bench customer', role: 'user' },
      { skipPolicy: true },
    );
    const pair = await openSession(this.#ctx, user, { ip: '127.0.0.1', userAgent: 'eventix-bench' });
    return { id: user.id, token: pair.accessToken };
  }
}
