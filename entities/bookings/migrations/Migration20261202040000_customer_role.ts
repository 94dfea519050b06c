// A customer's role, from the same user facts: door staff (scanner) accounts cannot hold tickets, so none is sent to
// them. Rows written before carry no role until the next fact about the account; they count as customers.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261202040000_customer_role extends Migration {
  override up(): void {
    this.addSql(`alter table "customer" add column "role" varchar(16) not null default 'user';`);
  }

  override down(): void {
    this.addSql(`alter table "customer" drop column "role";`);
  }
}
