// Statements whose parameters travel bound ($1, $2, …) rather than written into the SQL text. The ORM's `execute`
// writes every parameter into the statement as an escaped literal, which costs more than the statement itself for a
// batch of hundreds of rows; a hot write that carries whole arrays (`unnest($1::uuid[], …)`) goes through here.
import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';

/** Runs `sql` (placeholders `$1`…) in the entity manager's transaction, or on the pool outside one; answers its rows. */
export async function boundQuery<Row>(em: EntityManager, sql: string, parameters: readonly unknown[]): Promise<Row[]> {
  const runner =
    em.getTransactionContext<ReturnType<ReturnType<EntityManager['getConnection']>['getClient']>>() ?? em.getConnection().getClient();
  const result = await runner.executeQuery<Row>(CompiledQuery.raw(sql, [...parameters]));
  return result.rows;
}
