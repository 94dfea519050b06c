// Accounts, sessions with rotating refresh tokens, preferences, notifications and login rate-limit counters.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261125010000_accounts extends Migration {
  override up(): void {
    this.addSql(`create table "user_account" (
      "id" uuid not null primary key,
      "email" varchar(320) not null,
      "password_hash" text not null,
      "name" varchar(200) not null,
      "phone" varchar(32) null,
      "role" varchar(16) not null check ("role" in ('user', 'admin')),
      "status" varchar(16) not null default 'active' check ("status" in ('active', 'deactivated')),
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(`create unique index "user_account_email_unique" on "user_account" ("email");`);
    this.addSql(`create index "user_account_created_idx" on "user_account" ("created_at" desc, "id" desc);`);

    this.addSql(`create table "user_session" (
      "id" uuid not null primary key,
      "user_id" uuid not null references "user_account" ("id"),
      "user_agent" varchar(512) null,
      "ip" varchar(64) null,
      "created_at" timestamptz not null default now(),
      "last_used_at" timestamptz not null default now(),
      "expires_at" timestamptz not null,
      "revoked_at" timestamptz null,
      "revoked_reason" varchar(64) null
    );`);
    this.addSql(`create index "user_session_user_idx" on "user_session" ("user_id", "created_at");`);
    this.addSql(`create index "user_session_revoked_idx" on "user_session" ("revoked_at") where "revoked_at" is not null;`);

    // Only hashes are kept. A used token stays, so presenting it again is recognised as theft.
    this.addSql(`create table "refresh_token" (
      "token_hash" char(64) not null primary key,
      "session_id" uuid not null references "user_session" ("id") on delete cascade,
      "created_at" timestamptz not null default now(),
      "used_at" timestamptz null
    );`);
    this.addSql(`create index "refresh_token_session_idx" on "refresh_token" ("session_id");`);

    this.addSql(`create table "user_preference" (
      "user_id" uuid not null primary key references "user_account" ("id"),
      "language" varchar(16) not null default 'en',
      "email_notifications" jsonb not null default '{}',
      "updated_at" timestamptz not null default now()
    );`);

    this.addSql(`create table "user_notification" (
      "id" uuid not null primary key,
      "user_id" uuid not null references "user_account" ("id"),
      "kind" varchar(64) not null,
      "title" varchar(200) not null,
      "body" text not null,
      "data" jsonb not null default '{}',
      "created_at" timestamptz not null default now(),
      "read_at" timestamptz null
    );`);
    this.addSql(`create index "user_notification_user_idx" on "user_notification" ("user_id", "created_at" desc, "id" desc);`);
    this.addSql(`create index "user_notification_unread_idx" on "user_notification" ("user_id") where "read_at" is null;`);

    this.addSql(`create table "rate_limit" (
      "key" varchar(400) not null primary key,
      "window_started_at" timestamptz not null,
      "hits" int not null
    );`);
  }

  override down(): void {
    for (const table of ['rate_limit', 'user_notification', 'user_preference', 'refresh_token', 'user_session', 'user_account']) {
      this.addSql(`drop table if exists "${table}";`);
    }
  }
}
