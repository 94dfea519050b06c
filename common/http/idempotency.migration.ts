// The idempotency record table every service carries; each service's migrations folder re-exports this migration.
import { Migration } from '@mikro-orm/migrations';

export class IdempotencyRecordsMigration extends Migration {
  override up(): void {
    this.addSql(`create table "idempotency_record" (
      "scope" varchar(255) not null,
      "key" varchar(255) not null,
      "request_hash" varchar(64) not null,
      "state" varchar(16) not null,
      "claim_id" uuid not null,
      "claimed_at" timestamptz not null,
      "status" int null,
      "headers" jsonb null,
      "body" text null,
      "created_at" timestamptz not null,
      "expires_at" timestamptz not null,
      primary key ("scope", "key")
    );`);
    this.addSql(`create index "idempotency_record_expires_at_idx" on "idempotency_record" ("expires_at");`);
  }

  override down(): void {
    this.addSql('drop table if exists "idempotency_record";');
  }
}
