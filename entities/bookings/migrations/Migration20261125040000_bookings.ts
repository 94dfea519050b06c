// Bookings and their history: every transition of every booking saga, with time, actor and reason.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261125040000_bookings extends Migration {
  override up(): void {
    this.addSql(`create table "booking" (
      "id" uuid not null primary key,
      "customer_id" uuid not null,
      "event_id" uuid not null,
      "status" varchar(16) not null
        check ("status" in ('PENDING', 'HELD', 'PAYING', 'CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED', 'REFUNDED')),
      "selection" jsonb not null,
      "seats" jsonb not null default '[]',
      "amount_minor" int null,
      "currency" char(3) null,
      "expires_at" timestamptz null,
      "payment_id" uuid null,
      "refunded_minor" int not null default 0,
      "failure_code" varchar(64) null,
      "workflow_id" varchar(200) not null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(`create index "booking_customer_idx" on "booking" ("customer_id", "created_at" desc, "id" desc);`);
    this.addSql(`create index "booking_event_idx" on "booking" ("event_id", "status");`);
    this.addSql(`create index "booking_created_idx" on "booking" ("created_at" desc, "id" desc);`);

    // (source, seq) comes from the workflow that made the transition, so a retried activity writes it once.
    this.addSql(`create table "booking_history" (
      "booking_id" uuid not null references "booking" ("id"),
      "source" varchar(32) not null,
      "seq" int not null,
      "from_status" varchar(16) null,
      "to_status" varchar(16) not null,
      "at" timestamptz not null,
      "actor" varchar(64) not null,
      "reason" text not null,
      primary key ("booking_id", "source", "seq")
    );`);
  }

  override down(): void {
    this.addSql('drop table if exists "booking_history";');
    this.addSql('drop table if exists "booking";');
  }
}
