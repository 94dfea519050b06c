// A handler bound to one contract: it reads a message body with that contract and hands the parsed fact on, so the
// code that applies a fact is typed by the contract it subscribes to.
import type { z } from 'zod';
import { parseEnvelope, type Envelope, type EventContract } from '../../contracts/envelope.ts';

/** A message body that fitted its contract, ready to apply (e.g. inside the transaction that records it in the inbox). */
export interface ReadFact<Context, Result = Promise<void>> {
  /** The envelope, for the inbox and the logs; the typed data stays with the handler. */
  readonly envelope: Envelope;
  apply(context: Context): Result;
}

/**
 * One contract and what to do with its facts. The fact's type is known only inside, so handlers of different
 * contracts share one list.
 */
export interface FactHandler<Context, Result = Promise<void>> {
  readonly contract: EventContract;
  /** Parses a message body with the contract; throws when it does not fit. */
  read(body: unknown): ReadFact<Context, Result>;
}

/** Subscribes to one contract: `handle` receives that version's parsed envelope (defaults and coercions applied). */
export function on<S extends z.ZodType, Context, Result extends Promise<void> | void = Promise<void>>(
  contract: EventContract<S>,
  handle: (context: Context, fact: Envelope<z.output<S>>) => Result,
): FactHandler<Context, Result> {
  return {
    contract,
    read(body) {
      const fact = parseEnvelope(contract, body);
      return { envelope: fact, apply: (context) => handle(context, fact) };
    },
  };
}
