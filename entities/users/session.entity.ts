// One signed-in device: its refresh tokens rotate, its access tokens carry its id as `sid`.
import { defineEntity, p } from '@mikro-orm/core';

export const UserSession = defineEntity({
  name: 'UserSession',
  tableName: 'user_session',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid().index(),
    userAgent: p.string().length(512).nullable(),
    ip: p.string().length(64).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    revokedReason: p.string().length(64).nullable(),
  },
});

export type UserSessionRow = InstanceType<typeof UserSession.class>;
