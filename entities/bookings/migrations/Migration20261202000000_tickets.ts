// Tickets and the door: issued tickets, every scan, the keys that sign the barcodes, scanner grants, door rules and
// transfers.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261202000000_tickets extends Migration {
  override up(): void {
    this.addSql(`create table "ticket" (
      "id" uuid not null primary key,
      "booking_id" uuid not null references "booking" ("id"),
      "event_id" uuid not null,
      "seat_id" uuid not null,
      "seat_label" varchar(160) not null,
      "section" varchar(120) not null,
      "holder_user_id" uuid not null,
      "holder_name" varchar(200) not null,
      "status" varchar(8) not null check ("status" in ('valid', 'used', 'void')),
      "generation" int not null default 1,
      "issued_at" timestamptz not null,
      "voided_at" timestamptz null,
      "void_reason" varchar(200) null,
      "used_at" timestamptz null,
      "used_gate" varchar(64) null,
      "used_device" varchar(64) null,
      unique ("booking_id", "seat_id")
    );`);
    // A seat is on one live ticket at most, whatever the bookings say: the last guard against selling it twice.
    this.addSql(`create unique index "ticket_live_seat_uq" on "ticket" ("event_id", "seat_id") where "status" <> 'void';`);
    this.addSql(`create index "ticket_holder_idx" on "ticket" ("holder_user_id");`);
    // Bookings confirmed before tickets existed get theirs now, one per seat, as a confirmation would have issued them.
    this.addSql(`insert into "ticket" ("id", "booking_id", "event_id", "seat_id", "seat_label", "section", "holder_user_id",
        "holder_name", "status", "generation", "issued_at")
      select gen_random_uuid(), b."id", b."event_id", (s->>'seatId')::uuid, left(coalesce(s->>'label', ''), 160),
        left(coalesce(s->>'section', ''), 120), b."customer_id", 'Ticket holder', 'valid', 1, b."updated_at"
      from "booking" b cross join lateral jsonb_array_elements(b."seats") s
      where b."status" = 'CONFIRMED' and s ? 'seatId'
      on conflict do nothing;`);
    this.addSql(`create index "ticket_event_status_idx" on "ticket" ("event_id", "status");`);

    this.addSql(`create table "checkin" (
      "id" uuid not null primary key,
      "event_id" uuid not null,
      "ticket_id" uuid null,
      "direction" varchar(3) not null check ("direction" in ('in', 'out')),
      "gate" varchar(64) not null,
      "device" varchar(64) not null,
      "device_scan_id" varchar(100) null,
      "scanned_at" timestamptz not null,
      "received_at" timestamptz not null,
      "offline" boolean not null default false,
      "result" varchar(32) not null,
      "scanned_by" uuid not null
    );`);
    // A device's scan ids are its own per event: counters that start again at next week's event are no clash.
    this.addSql(
      `create unique index "checkin_device_scan_uq" on "checkin" ("event_id", "device", "device_scan_id") where "device_scan_id" is not null;`,
    );
    this.addSql(`create index "checkin_event_idx" on "checkin" ("event_id", "scanned_at");`);
    this.addSql(`create index "checkin_ticket_idx" on "checkin" ("ticket_id", "scanned_at");`);

    this.addSql(`create table "ticket_key" (
      "kid" varchar(64) not null primary key,
      "event_id" uuid not null,
      "public_jwk" jsonb not null,
      "private_jwk" jsonb not null,
      "rotation_secret" varchar(64) not null,
      "created_at" timestamptz not null,
      "retired_at" timestamptz null
    );`);
    this.addSql(`create index "ticket_key_event_idx" on "ticket_key" ("event_id", "created_at" desc);`);

    this.addSql(`create table "scanner_grant" (
      "event_id" uuid not null,
      "user_id" uuid not null,
      "granted_by" uuid not null,
      "granted_at" timestamptz not null,
      primary key ("event_id", "user_id")
    );`);

    this.addSql(`create table "door_policy" (
      "event_id" uuid not null primary key,
      "print_codes_accepted" boolean not null default true,
      "reentry_allowed" boolean not null default false,
      "transfer_cutoff_minutes" int not null default 60,
      "updated_at" timestamptz not null
    );`);

    this.addSql(`create table "ticket_transfer" (
      "id" uuid not null primary key,
      "ticket_id" uuid not null references "ticket" ("id"),
      "from_user_id" uuid not null,
      "to_user_id" uuid not null,
      "to_email" varchar(320) not null,
      "status" varchar(12) not null check ("status" in ('pending', 'accepted', 'declined', 'cancelled')),
      "created_at" timestamptz not null,
      "decided_at" timestamptz null
    );`);
    // One open offer per ticket at a time.
    this.addSql(`create unique index "ticket_transfer_open_uq" on "ticket_transfer" ("ticket_id") where "status" = 'pending';`);
    this.addSql(`create index "ticket_transfer_to_idx" on "ticket_transfer" ("to_user_id", "status");`);
  }

  override down(): void {
    for (const table of ['ticket_transfer', 'door_policy', 'scanner_grant', 'ticket_key', 'checkin', 'ticket']) {
      this.addSql(`drop table if exists "${table}";`);
    }
  }
}
