// Outbox rows carry the message headers to publish with them: the W3C trace context of the change that wrote the fact.
import { Migration } from '@mikro-orm/migrations';

export class OutboxHeadersMigration extends Migration {
  override up(): void {
    this.addSql(`alter table "outbox_message" add column "headers" jsonb null;`);
  }

  override down(): void {
    this.addSql(`alter table "outbox_message" drop column "headers";`);
  }
}
