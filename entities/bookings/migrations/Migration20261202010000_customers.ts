// What the bookings service learns of its customers (their names for the tickets, their emails to find whom a ticket is
// sent to), and what the holder of a ticket needs to know of its event: the venue's address and time zone, its end.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261202010000_customers extends Migration {
  override up(): void {
    this.addSql(`create table "customer" (
      "user_id" uuid not null primary key,
      "email" varchar(320) not null,
      "name" varchar(200) not null,
      "occurred_at" timestamptz not null
    );`);
    // Emails are looked up without case; not unique here: facts of two accounts that swapped an address may arrive
    // in any order.
    this.addSql(`create index "customer_email_idx" on "customer" (lower("email"));`);
    this.addSql(`alter table "event_catalog" add column "venue_address" varchar(300) null, add column "time_zone" varchar(64) null,
      add column "ends_at" timestamptz null;`);
  }

  override down(): void {
    this.addSql(`alter table "event_catalog" drop column "ends_at", drop column "time_zone", drop column "venue_address";`);
    this.addSql('drop table if exists "customer";');
  }
}
