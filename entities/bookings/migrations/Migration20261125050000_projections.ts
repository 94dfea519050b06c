// What the bookings service learns from other services' facts: an event catalog and each booking's payment status.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261125050000_projections extends Migration {
  override up(): void {
    this.addSql(`create table "event_catalog" (
      "event_id" uuid not null primary key,
      "title" varchar(200) not null,
      "venue_name" varchar(200) not null,
      "starts_at" timestamptz not null,
      "status" varchar(16) not null,
      "occurred_at" timestamptz not null
    );`);
    this.addSql(`alter table "booking" add column "payment_status" varchar(24) null;`);
  }

  override down(): void {
    this.addSql(`alter table "booking" drop column "payment_status";`);
    this.addSql('drop table if exists "event_catalog";');
  }
}
