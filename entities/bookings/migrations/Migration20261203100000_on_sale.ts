// The on-sale of an event: its settings (opening, waiting room, admission rate and length, seats per customer) and its
// waiting room, one row per account and event, ranked in the order customers are admitted.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261203100000_on_sale extends Migration {
  override up(): void {
    this.addSql(`create table "on_sale" (
      "event_id" uuid not null primary key,
      "opens_at" timestamptz not null,
      "waiting_room" boolean not null,
      "admission_rate_per_minute" int null,
      "admission_ttl_seconds" int not null default 600,
      "max_seats_per_customer" int null,
      "joins_per_address_per_minute" int not null default 30,
      "token_secret" varchar(64) not null,
      "current_rate_per_minute" int null,
      "opened_at" timestamptz null,
      "sold_out_at" timestamptz null,
      "updated_at" timestamptz not null default now()
    );`);
    // One place per account and event: the primary key is what makes a second join (another device) find the first.
    // `seq` is the arrival order; `rank` the admission order, null in the pre-queue until the opening shuffles it.
    this.addSql(`create table "queue_entry" (
      "event_id" uuid not null,
      "customer_id" uuid not null,
      "seq" bigint generated always as identity,
      "joined_at" timestamptz not null default clock_timestamp(),
      "rank" bigint null,
      "state" varchar(16) not null default 'waiting',
      "admission_id" uuid null,
      "admitted_at" timestamptz null,
      "expires_at" timestamptz null,
      "used_at" timestamptz null,
      "booking_id" uuid null,
      primary key ("event_id", "customer_id"),
      constraint "queue_entry_state_check" check ("state" in ('waiting', 'admitted', 'used', 'expired', 'sold_out', 'left'))
    );`);
    // Ranks of the customers who join after the opening, in arrival order, behind every rank the shuffle gives.
    this.addSql(`create sequence "queue_entry_late_rank" start with 1000000000000;`);
    // The waiting, in admission order: the next to admit is the head of this index, and the people ahead of a customer
    // an index-only range count on it.
    this.addSql(`create index "queue_entry_waiting_idx" on "queue_entry" ("event_id", "rank") where "state" = 'waiting';`);
    // Admissions outstanding, found by their expiry.
    this.addSql(`create index "queue_entry_admitted_idx" on "queue_entry" ("event_id", "expires_at") where "state" = 'admitted';`);
    // The pre-queue, until the opening ranks it.
    this.addSql(`create index "queue_entry_unranked_idx" on "queue_entry" ("event_id") where "rank" is null and "state" = 'waiting';`);
    // The admissions used lately, for the automatic rate.
    this.addSql(`create index "queue_entry_used_idx" on "queue_entry" ("event_id", "used_at") where "state" = 'used';`);
  }

  override down(): void {
    this.addSql('drop table if exists "queue_entry";');
    this.addSql('drop sequence if exists "queue_entry_late_rank";');
    this.addSql('drop table if exists "on_sale";');
  }
}
