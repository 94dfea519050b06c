// Every published event is announced once more with what event facts carry since tickets came (its end, the venue's
// address and time zone), so the bookings service's catalog prints them on tickets already sold.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261202030000_announce_events extends Migration {
  override up(): void {
    // One message id per event (a CTE evaluates gen_random_uuid() per row).
    this.addSql(`with m as (
        select gen_random_uuid() as mid, now() as at, e."id", e."title", e."starts_at", e."ends_at", e."status",
          v."id" as venue_id, v."name" as venue_name, v."address", v."time_zone"
        from "event" e join "venue" v on v."id" = e."venue_id" where e."status" = 'published')
      insert into "outbox_message" ("id", "type", "version", "routing_key", "payload", "occurred_at")
      select m.mid, 'event.updated', 1, 'event.updated.v1',
        jsonb_build_object('id', m.mid, 'type', 'event.updated', 'version', 1, 'occurredAt', to_json(m.at), 'producer', 'events',
          'data', jsonb_build_object('eventId', m."id", 'title', m."title", 'venueId', m.venue_id, 'venueName', m.venue_name,
            'venueAddress', m."address", 'timeZone', m."time_zone", 'startsAt', to_json(m."starts_at"),
            'endsAt', to_json(m."ends_at"), 'status', m."status")),
        m.at
      from m;`);
  }

  override down(): void {
    // Facts once announced stay announced.
  }
}
