// Every account that existed before `user.updated` is announced once with it, so the services that keep a directory
// of customers (the bookings service: ticket holders' names, transfer receivers by email) know them all, not only
// those who register or change their name from now on.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261202020000_announce_accounts extends Migration {
  override up(): void {
    // One message id per account (a CTE evaluates gen_random_uuid() per row).
    this.addSql(`with m as (select gen_random_uuid() as mid, now() as at, u.* from "user_account" u)
      insert into "outbox_message" ("id", "type", "version", "routing_key", "payload", "occurred_at")
      select m.mid, 'user.updated', 1, 'user.updated.v1',
        jsonb_build_object('id', m.mid, 'type', 'user.updated', 'version', 1, 'occurredAt', to_json(m.at), 'producer', 'users',
          'data', jsonb_build_object('userId', m."id", 'email', m."email", 'name', m."name", 'role', m."role")),
        m.at
      from m;`);
  }

  override down(): void {
    // Facts once announced stay announced.
  }
}
