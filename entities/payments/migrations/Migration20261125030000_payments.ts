// Payments, the log of every gateway call, refunds, and the built-in test gateway's own ledger.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261125030000_payments extends Migration {
  override up(): void {
    this.addSql(`create table "payment" (
      "id" uuid not null primary key,
      "booking_id" uuid not null,
      "customer_id" uuid not null,
      "amount_minor" int not null check ("amount_minor" > 0),
      "currency" char(3) not null,
      "gateway" varchar(32) not null,
      "gateway_reference" varchar(255) null,
      "status" varchar(24) not null check ("status" in ('PENDING', 'SUCCEEDED', 'FAILED', 'PARTIALLY_REFUNDED', 'REFUNDED')),
      "captured_minor" int not null default 0,
      "refunded_minor" int not null default 0,
      "failure_code" varchar(64) null,
      "failure_message" text null,
      "idempotency_key" varchar(255) not null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      check ("captured_minor" between 0 and "amount_minor"),
      check ("refunded_minor" between 0 and "captured_minor")
    );`);
    this.addSql(`create unique index "payment_idempotency_key_unique" on "payment" ("idempotency_key");`);
    this.addSql(`create index "payment_customer_idx" on "payment" ("customer_id", "created_at" desc, "id" desc);`);
    this.addSql(`create index "payment_booking_idx" on "payment" ("booking_id");`);
    this.addSql(`create index "payment_created_idx" on "payment" ("created_at" desc, "id" desc);`);

    // One row per gateway call, written before the call and completed after it: nothing happens unrecorded.
    this.addSql(`create table "payment_transaction" (
      "id" uuid not null primary key,
      "payment_id" uuid not null references "payment" ("id"),
      "kind" varchar(16) not null check ("kind" in ('charge', 'refund', 'void')),
      "amount_minor" int not null,
      "idempotency_key" varchar(255) not null,
      "request" jsonb not null,
      "response" jsonb null,
      "outcome" varchar(16) not null default 'pending' check ("outcome" in ('pending', 'succeeded', 'declined', 'error')),
      "gateway_reference" varchar(255) null,
      "error_code" varchar(64) null,
      "started_at" timestamptz not null default now(),
      "finished_at" timestamptz null,
      "duration_ms" int null
    );`);
    this.addSql(`create index "payment_transaction_payment_idx" on "payment_transaction" ("payment_id", "started_at");`);

    this.addSql(`create table "refund" (
      "id" uuid not null primary key,
      "payment_id" uuid not null references "payment" ("id"),
      "amount_minor" int not null check ("amount_minor" > 0),
      "reason" varchar(500) null,
      "status" varchar(16) not null check ("status" in ('PENDING', 'SUCCEEDED', 'FAILED')),
      "gateway_reference" varchar(255) null,
      "idempotency_key" varchar(255) not null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(`create unique index "refund_idempotency_key_unique" on "refund" ("payment_id", "idempotency_key");`);

    // The test gateway's side of the world: what it captured and refunded, keyed like a real gateway's idempotency.
    this.addSql(`create table "test_gateway_operation" (
      "id" varchar(64) not null primary key,
      "kind" varchar(16) not null check ("kind" in ('charge', 'refund', 'void')),
      "idempotency_key" varchar(255) not null,
      "charge_id" varchar(64) null,
      "amount_minor" int not null,
      "currency" char(3) null,
      "payment_method" varchar(128) null,
      "outcome" varchar(16) not null,
      "decline_code" varchar(64) null,
      "created_at" timestamptz not null default now()
    );`);
    this.addSql(`create unique index "test_gateway_operation_key_unique" on "test_gateway_operation" ("kind", "idempotency_key");`);
    this.addSql(`create table "test_gateway_attempt" (
      "idempotency_key" varchar(255) not null primary key,
      "attempts" int not null
    );`);
  }

  override down(): void {
    for (const table of ['test_gateway_attempt', 'test_gateway_operation', 'refund', 'payment_transaction', 'payment']) {
      this.addSql(`drop table if exists "${table}";`);
    }
  }
}
