// Each event's cancellation policy; events made before it keep the old rule (cancel until the start, no fee).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261201000000_cancellation_policy extends Migration {
  override up(): void {
    this.addSql(`alter table "event" add column "cancellation_policy" jsonb not null
      default '{"customersMayCancel":true,"deadlineHoursBeforeStart":0,"feeKind":"none","feeValue":0}';`);
  }

  override down(): void {
    this.addSql('alter table "event" drop column "cancellation_policy";');
  }
}
