// The envelope every fact between services travels in, and how a contract (type + version + schema) is declared.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const EnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  producer: z.string().min(1),
  data: z.unknown(),
});

export type Envelope<T = unknown> = Omit<z.infer<typeof EnvelopeSchema>, 'data'> & { data: T };

export interface EventContract<S extends z.ZodType = z.ZodType> {
  type: string;
  version: number;
  /** `<type>.v<version>`: the routing key on the topic exchange. */
  routingKey: string;
  schema: S;
}

/** The data of one contract's fact as a consumer receives it: parsed, so defaults and coercions are applied. */
export type FactOf<C extends EventContract> = C extends EventContract<infer S> ? z.output<S> : never;

/** The envelope of one contract's fact as a consumer receives it; a union of contracts gives a union of envelopes. */
export type EnvelopeOf<C extends EventContract> = C extends EventContract ? Envelope<FactOf<C>> : never;

/** Declares one version of one event type; a published version is never changed in place. */
export function defineEvent<S extends z.ZodType>(type: string, version: number, schema: S): EventContract<S> {
  return { type, version, routingKey: `${type}.v${version}`, schema };
}

/** Builds an envelope through the contract's schema, so a producer cannot send what consumers would refuse. */
export function buildEnvelope<S extends z.ZodType>(
  contract: EventContract<S>,
  data: z.input<S>,
  producer: string,
  occurredAt: Date = new Date(),
): Envelope<z.output<S>> {
  return {
    id: randomUUID(),
    type: contract.type,
    version: contract.version,
    occurredAt: occurredAt.toISOString(),
    producer,
    data: contract.schema.parse(data),
  };
}

/** Parses a received message against the contract; unknown fields are ignored. Throws a ZodError when it does not fit. */
export function parseEnvelope<S extends z.ZodType>(contract: EventContract<S>, raw: unknown): Envelope<z.output<S>> {
  const envelope = EnvelopeSchema.parse(raw);
  if (envelope.type !== contract.type || envelope.version !== contract.version) {
    throw new Error(`expected ${contract.routingKey}, got ${envelope.type}.v${envelope.version}`);
  }
  return { ...envelope, data: contract.schema.parse(envelope.data) };
}
