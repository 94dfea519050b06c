// Each venue's time zone (its events' times are shown in it), and each event's door count: tickets inside now.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261202020000_door extends Migration {
  override up(): void {
    this.addSql(`alter table "venue" add column "time_zone" varchar(64) not null default 'UTC';`);
    // Kept from ticket.checked_in facts: +1 per admission, -1 per exit (the consumer's inbox applies each once).
    this.addSql(`create table "event_door" (
      "event_id" uuid not null primary key,
      "checked_in" int not null default 0,
      "updated_at" timestamptz not null default now()
    );`);
  }

  override down(): void {
    this.addSql('drop table if exists "event_door";');
    this.addSql('alter table "venue" drop column "time_zone";');
  }
}
