// The waiting list of a sold-out event: one entry per account and event, in list order, with its current offer (the
// booking held for it), and each event's offer window.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261203110000_waiting_list extends Migration {
  override up(): void {
    // One entry per account and event: the unique key is what makes a second join find the first.
    this.addSql(`create table "waiting_list_entry" (
      "id" uuid not null primary key,
      "event_id" uuid not null,
      "customer_id" uuid not null,
      "position" bigint generated always as identity,
      "seats" int not null,
      "section_id" uuid null,
      "state" varchar(16) not null default 'waiting',
      "attempt" int not null default 0,
      "passed_over" int not null default 0,
      "offer_booking_id" uuid null,
      "offer_section_id" uuid null,
      "offer_expires_at" timestamptz null,
      "offer_notified" boolean not null default false,
      "joined_at" timestamptz not null default clock_timestamp(),
      "updated_at" timestamptz not null default now(),
      constraint "waiting_list_entry_account_key" unique ("event_id", "customer_id"),
      constraint "waiting_list_entry_seats_check" check ("seats" > 0),
      constraint "waiting_list_entry_state_check" check ("state" in ('waiting', 'offered', 'accepted', 'lapsed', 'left'))
    );`);
    // The entries still to serve, in list order: each pass reads the head of this index, and a customer's position is
    // a range count on it.
    this.addSql(
      `create index "waiting_list_entry_open_idx" on "waiting_list_entry" ("event_id", "position") where "state" in ('waiting', 'offered');`,
    );
    // An offer is found by its booking when that booking ends.
    this.addSql(
      `create unique index "waiting_list_entry_offer_idx" on "waiting_list_entry" ("offer_booking_id") where "offer_booking_id" is not null;`,
    );
    this.addSql(`create table "waiting_list_policy" (
      "event_id" uuid not null primary key,
      "offer_window_seconds" int not null,
      "updated_at" timestamptz not null default now()
    );`);
  }

  override down(): void {
    this.addSql('drop table if exists "waiting_list_policy";');
    this.addSql('drop table if exists "waiting_list_entry";');
  }
}
