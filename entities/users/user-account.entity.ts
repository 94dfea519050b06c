// A person who can sign in: customer, admin, or door staff (scanner).
import { defineEntity, p } from '@mikro-orm/core';
import { ROLES } from '../../common/auth/verify.ts';

export const UserAccount = defineEntity({
  name: 'UserAccount',
  tableName: 'user_account',
  properties: {
    id: p.uuid().primary(),
    /** Trimmed and lower-cased; unique. */
    email: p.string().length(320).unique(),
    passwordHash: p.text().hidden(),
    name: p.string().length(200),
    phone: p.string().length(32).nullable(),
    role: p.enum(ROLES),
    status: p.enum(['active', 'deactivated'] as const).default('active'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type UserAccountRow = InstanceType<typeof UserAccount.class>;
