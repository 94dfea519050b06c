// Venues with their seat layout, events with price tiers, and the seat inventory that makes a double sale impossible.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261125020000_catalog extends Migration {
  override up(): void {
    this.addSql(`create table "venue" (
      "id" uuid not null primary key,
      "name" varchar(200) not null,
      "city" varchar(120) null,
      "address" varchar(300) null,
      "created_at" timestamptz not null default now()
    );`);
    this.addSql(`create table "venue_section" (
      "id" uuid not null primary key,
      "venue_id" uuid not null references "venue" ("id") on delete cascade,
      "name" varchar(120) not null,
      "position" int not null,
      unique ("venue_id", "name")
    );`);
    this.addSql(`create table "venue_seat" (
      "id" uuid not null primary key,
      "venue_id" uuid not null references "venue" ("id") on delete cascade,
      "section_id" uuid not null references "venue_section" ("id") on delete cascade,
      "row_label" varchar(16) not null,
      "row_position" int not null,
      "number" int not null check ("number" > 0),
      "accessible" boolean not null default false,
      "blocked" boolean not null default false,
      unique ("section_id", "row_label", "number")
    );`);
    this.addSql(`create index "venue_seat_venue_idx" on "venue_seat" ("venue_id");`);

    this.addSql(`create table "event" (
      "id" uuid not null primary key,
      "venue_id" uuid not null references "venue" ("id"),
      "title" varchar(200) not null,
      "description" text not null default '',
      "status" varchar(16) not null default 'draft' check ("status" in ('draft', 'published', 'cancelled', 'completed')),
      "starts_at" timestamptz not null,
      "ends_at" timestamptz null,
      "sales_open_at" timestamptz null,
      "sales_close_at" timestamptz null,
      "published_at" timestamptz null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      check ("ends_at" is null or "ends_at" > "starts_at"),
      check ("sales_open_at" is null or "sales_close_at" is null or "sales_open_at" < "sales_close_at")
    );`);
    this.addSql(`create index "event_listing_idx" on "event" ("status", "starts_at", "id");`);
    this.addSql(`create index "event_venue_idx" on "event" ("venue_id");`);

    this.addSql(`create table "price_tier" (
      "id" uuid not null primary key,
      "event_id" uuid not null references "event" ("id") on delete cascade,
      "section_id" uuid not null references "venue_section" ("id"),
      "name" varchar(80) not null,
      "price_minor" int not null check ("price_minor" >= 0),
      "currency" char(3) not null,
      unique ("event_id", "section_id")
    );`);

    // One row per event × sellable seat. The seat is available, or owned by exactly one hold (held until
    // expires_at, then free again without any cleanup) or one sale.
    this.addSql(`create table "seat_inventory" (
      "event_id" uuid not null references "event" ("id") on delete cascade,
      "seat_id" uuid not null references "venue_seat" ("id"),
      "section_id" uuid not null,
      "status" varchar(16) not null check ("status" in ('available', 'held', 'sold')),
      "hold_id" uuid null,
      "customer_id" uuid null,
      "expires_at" timestamptz null,
      "price_minor" int not null,
      "currency" char(3) not null,
      "version" int not null default 0,
      "updated_at" timestamptz not null default now(),
      primary key ("event_id", "seat_id"),
      check (("status" = 'available') = ("hold_id" is null)),
      check ("status" <> 'held' or "expires_at" is not null)
    );`);
    this.addSql(`create index "seat_inventory_hold_idx" on "seat_inventory" ("hold_id") where "hold_id" is not null;`);
    this.addSql(`create index "seat_inventory_section_idx" on "seat_inventory" ("event_id", "section_id");`);
    // The database itself refuses a second owner: a seat sold, or held and not expired, cannot pass to another hold,
    // whatever statement tries it.
    this.addSql(`create function seat_inventory_one_owner() returns trigger language plpgsql as $$
      begin
        if new.hold_id is not null and old.hold_id is not null and new.hold_id <> old.hold_id
           and (old.status = 'sold' or (old.status = 'held' and old.expires_at > now())) then
          raise exception using
            errcode = 'exclusion_violation',
            message = format('seat %s of event %s already belongs to hold %s', old.seat_id, old.event_id, old.hold_id);
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger "seat_inventory_one_owner" before update on "seat_inventory"
      for each row execute function seat_inventory_one_owner();`);

    // One row per hold: what it claimed and its answer, so every operation on it is idempotent.
    this.addSql(`create table "seat_hold" (
      "id" uuid not null primary key,
      "event_id" uuid null references "event" ("id") on delete cascade,
      "customer_id" uuid null,
      "status" varchar(16) not null check ("status" in ('held', 'released', 'confirmed', 'returned')),
      "seat_count" int not null,
      "expires_at" timestamptz null,
      "result" jsonb null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(`create index "seat_hold_customer_idx" on "seat_hold" ("event_id", "customer_id") where "status" = 'held';`);
  }

  override down(): void {
    for (const table of ['seat_hold', 'seat_inventory', 'price_tier', 'event', 'venue_seat', 'venue_section', 'venue']) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
    this.addSql('drop function if exists seat_inventory_one_owner();');
  }
}
