export { IdempotencyRecordsMigration as Migration20261125070000_idempotency } from '../../../common/http/idempotency.migration.ts';
