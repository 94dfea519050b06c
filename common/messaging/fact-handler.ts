// A handler bound to one contract: it reads a message body with that contract and hands the parsed fact on, so the
// code that applies a fact is typed by the contract it subscribes to.
import type { z } from 'zod';
import { parseEnvelope, type Envelope, type EventContract } from '../../contracts/envelope.ts';

/** A message body that fitted its contract, ready to apply (e.g. inside the transaction that records it in the inbox). */
export interface ReadFact<Context, Result = Promise<void>> {
  /** The envelope, for the inbox and the logs; the typed data stays with the handler. */
  readonly envelope: Envelope;
  /** Facts with the same key are applied one after the other, in the order they were delivered (see `on`). */
  readonly orderKey?: string;
  apply(context: Context): Result;
  /**
   * The handler's way of applying several facts at once (see `on`); a consumer hands consecutive facts whose handlers
   * share this very function over together.
   */
  readonly applyMany?: (context: Context, facts: Envelope[]) => Result;
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

export interface HandlerOptions<Context, T, Result> {
  /**
   * The aggregate a fact is about (e.g. its event id). A consumer applies the facts of one key in delivery order and
   * never two at once; facts of different keys (or without one) may be applied side by side.
   */
  orderKey?: (fact: Envelope<T>) => string;
  /**
   * Applies a run of facts, in delivery order, in one go (a multi-row statement instead of one per fact), leaving what
   * `handle` applied to each in turn would leave. Handlers of several contracts may share one such function.
   */
  applyMany?: (context: Context, facts: Envelope<T>[]) => Result;
}

/** Subscribes to one contract: `handle` receives that version's parsed envelope (defaults and coercions applied). */
export function on<S extends z.ZodType, Context, Result extends Promise<void> | void = Promise<void>>(
  contract: EventContract<S>,
  handle: (context: Context, fact: Envelope<z.output<S>>) => Result,
  options: HandlerOptions<Context, z.output<S>, Result> = {},
): FactHandler<Context, Result> {
  // Only facts this contract parsed reach it (a consumer groups facts by the function itself), so the data fits.
  const applyMany = options.applyMany as ((context: Context, facts: Envelope[]) => Result) | undefined;
  return {
    contract,
    read(body) {
      const fact = parseEnvelope(contract, body);
      return { envelope: fact, orderKey: options.orderKey?.(fact), apply: (context) => handle(context, fact), applyMany };
    },
  };
}
