// Door staff: the scanner role, whose tokens only open the check-in routes of the events they are granted.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261202010000_scanner_role extends Migration {
  override up(): void {
    this.addSql(`alter table "user_account" drop constraint "user_account_role_check";`);
    this.addSql(`alter table "user_account" add constraint "user_account_role_check" check ("role" in ('user', 'admin', 'scanner'));`);
  }

  override down(): void {
    this.addSql(`alter table "user_account" drop constraint "user_account_role_check";`);
    this.addSql(`alter table "user_account" add constraint "user_account_role_check" check ("role" in ('user', 'admin'));`);
  }
}
