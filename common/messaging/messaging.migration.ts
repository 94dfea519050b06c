// The outbox and inbox tables every service carries; each service's migrations folder re-exports this migration.
import { Migration } from '@mikro-orm/migrations';

export class MessagingTablesMigration extends Migration {
  override up(): void {
    this.addSql(`create table "outbox_message" (
      "id" uuid not null primary key,
      "type" varchar(255) not null,
      "version" int not null,
      "routing_key" varchar(255) not null,
      "payload" jsonb not null,
      "occurred_at" timestamptz not null,
      "created_at" timestamptz not null default now(),
      "sent_at" timestamptz null,
      "attempts" int not null default 0,
      "last_error" text null
    );`);
    this.addSql(`create index "outbox_message_unsent_idx" on "outbox_message" ("created_at") where "sent_at" is null;`);
    this.addSql(`create table "inbox_message" (
      "consumer" varchar(255) not null,
      "message_id" uuid not null,
      "type" varchar(255) not null,
      "processed_at" timestamptz not null default now(),
      primary key ("consumer", "message_id")
    );`);
  }

  override down(): void {
    this.addSql('drop table if exists "inbox_message";');
    this.addSql('drop table if exists "outbox_message";');
  }
}
