// Sales counters per event, kept from booking facts; one row per counted booking makes a cancellation subtract once.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261125050000_sales extends Migration {
  override up(): void {
    this.addSql(`create table "event_sales" (
      "event_id" uuid not null primary key,
      "sold_seats" int not null default 0,
      "revenue_minor" bigint not null default 0,
      "currency" char(3) null,
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(`create table "sales_booking" (
      "booking_id" uuid not null primary key,
      "event_id" uuid not null,
      "seats" int not null,
      "amount_minor" int not null,
      "cancelled" boolean not null default false
    );`);
  }

  override down(): void {
    this.addSql('drop table if exists "sales_booking";');
    this.addSql('drop table if exists "event_sales";');
  }
}
