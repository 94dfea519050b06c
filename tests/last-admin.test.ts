// The platform always keeps an active admin: the last one can be neither demoted nor deactivated, and two admins
// who demote each other at the same moment cannot both succeed. A users database of its own holds only these admins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKeys } from '../common/auth/keys.ts';
import { openServiceOrm, recreateDatabase, type Orm } from '../common/db/orm.ts';
import { DomainError } from '../common/errors/domain-error.ts';
import { changeRole, changeStatus, createAccount } from '../domain/users/accounts.ts';
import type { UsersContext } from '../domain/users/context.ts';
import { UserAccount } from '../entities/users/user-account.entity.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig, testLogger } from './support/context.ts';
import { PASSWORD, uniqueEmail } from './support/users.ts';

describe('the last admin', () => {
  let orm: Orm;
  let ctx: UsersContext;

  beforeAll(async () => {
    const url = new URL(testConfig().services.users.databaseUrl);
    url.pathname = `${url.pathname}_last_admin`;
    await recreateDatabase(url.toString());
    const config = testConfig({ USERS_DATABASE_URL: url.toString() });
    orm = await openServiceOrm(ormSettings('users', config), { migrate: true });
    ctx = { orm, keys: await loadSigningKeys(config), auth: config.auth, logger: testLogger(), published: () => undefined };
  });
  afterAll(async () => orm?.close());

  const admin = (tag: string) => createAccount(ctx, { email: uniqueEmail(tag), password: PASSWORD, name: tag, role: 'admin' });
  const activeAdmins = () => orm.em.fork().count(UserAccount, { role: 'admin', status: 'active' });
  const codeOf = (result: PromiseSettledResult<unknown>) =>
    result.status === 'rejected' ? (result.reason instanceof DomainError ? result.reason.code : String(result.reason)) : 'done';

  it('cannot be demoted or deactivated', async () => {
    const only = await admin('only-admin');
    expect(await activeAdmins()).toBe(1);
    await expect(changeRole(ctx, only.id, 'user')).rejects.toMatchObject({ kind: 'conflict', code: 'LAST_ADMIN' });
    await expect(changeStatus(ctx, only.id, 'deactivated')).rejects.toMatchObject({ kind: 'conflict', code: 'LAST_ADMIN' });
    expect(await activeAdmins()).toBe(1);
    // With a second admin, the first may step down.
    await admin('second-admin');
    await changeRole(ctx, only.id, 'user');
    expect(await activeAdmins()).toBe(1);
  });

  it('survives two admins demoting each other at once, ten times over', async () => {
    for (let round = 0; round < 10; round++) {
      const [a, b] = [await admin(`a${round}`), await admin(`b${round}`)];
      // Leave exactly these two active.
      const others = await orm.em.fork().find(UserAccount, { role: 'admin', status: 'active', id: { $nin: [a.id, b.id] } });
      for (const other of others) await changeStatus(ctx, other.id, 'deactivated');
      expect(await activeAdmins()).toBe(2);
      const results = await Promise.allSettled([changeRole(ctx, a.id, 'user'), changeStatus(ctx, b.id, 'deactivated')]);
      expect(results.map(codeOf).sort()).toEqual(['LAST_ADMIN', 'done']);
      expect(await activeAdmins()).toBe(1);
    }
  });
});
