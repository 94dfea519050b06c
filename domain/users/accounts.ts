// Accounts: registration, sign-in, the default admin, roles and deactivation.
import { randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '../../common/auth/verify.ts';
import { afterCursor, cursorKeys, toPage } from '../../common/http/pagination.ts';
import { containsPattern } from '../../common/db/like.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { enqueueEvent } from '../../common/messaging/outbox.ts';
import { userRegisteredV1 } from '../../contracts/users.ts';
import { UserPreference } from '../../entities/users/preference.entity.ts';
import { UserAccount, type UserAccountRow } from '../../entities/users/user-account.entity.ts';
import { PRODUCER, type UsersContext } from './context.ts';
import { DEFAULT_ADMIN_PASSWORD } from './default-admin.ts';
import { burnPasswordCheck, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { clear, hit, tooManyRequests } from './rate-limit.ts';
import { openSession, revokeSessionsIn, type ClientInfo } from './sessions.ts';
import type { TokenPair } from './tokens.ts';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface NewAccount {
  email: string;
  password: string;
  name: string;
  role: Role;
}

function weakPassword(problem: string): DomainError {
  return new DomainError('invalid', 'VALIDATION_FAILED', 'The request is not valid.', {
    errors: [{ field: 'password', message: problem }],
  });
}

/** Creates an account with its preferences and a user.registered fact. The caller decides the role. */
export async function createAccount(ctx: UsersContext, input: NewAccount, options: { skipPolicy?: boolean } = {}): Promise<UserAccountRow> {
  const email = normaliseEmail(input.email);
  const problem = options.skipPolicy ? undefined : passwordProblem(input.password, email);
  if (problem) throw weakPassword(problem);
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await ctx.orm.em.fork().transactional(async (em) => {
      const user = em.create(UserAccount, {
        id: randomUUID(),
        email,
        passwordHash,
        name: input.name.trim(),
        phone: null,
        role: input.role,
      });
      // The account row first: the preference row refers to it.
      await em.flush();
      em.create(UserPreference, { userId: user.id, language: 'en', emailNotifications: {} });
      enqueueEvent(em, userRegisteredV1, { userId: user.id, email, name: user.name, role: user.role }, PRODUCER);
      await em.flush();
      return user;
    });
    ctx.published();
    return user;
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) {
      throw new DomainError('conflict', 'EMAIL_TAKEN', 'An account with this email already exists.', {
        errors: [{ field: 'email', message: 'is already registered' }],
      });
    }
    throw err;
  }
}

/**
 * Checks the credentials and opens a session. Attempts are limited per client address and failed attempts
 * per account, in windows shared by every instance.
 */
export async function login(
  ctx: UsersContext,
  credentials: { email: string; password: string },
  client: ClientInfo,
): Promise<{ user: UserAccountRow; tokens: TokenPair }> {
  const em = ctx.orm.em.fork();
  const email = normaliseEmail(credentials.email);
  const limits = ctx.auth.loginLimits;
  const perIp = await hit(em, `login:ip:${client.ip}`, limits.windowSeconds);
  if (perIp.hits > limits.perIp) throw tooManyRequests('Too many sign-in attempts from this address.', perIp.resetAt);
  // Each attempt claims one of the account's failure slots before the password is checked, so attempts that arrive
  // together never check more passwords than the limit; a successful sign-in gives the slots back.
  const accountKey = `login:account:${email}`;
  const claimed = await hit(em, accountKey, limits.windowSeconds);
  if (claimed.hits > limits.perAccount) throw tooManyRequests('Too many failed sign-ins for this account.', claimed.resetAt);

  const user = await em.findOne(UserAccount, { email });
  const valid = user
    ? await verifyPassword(user.passwordHash, credentials.password)
    : (await burnPasswordCheck(credentials.password), false);
  if (!user || !valid) throw new DomainError('unauthorized', 'INVALID_CREDENTIALS', 'The email or password is wrong.');
  if (user.status !== 'active') throw new DomainError('forbidden', 'ACCOUNT_DEACTIVATED', 'This account has been deactivated.');
  await clear(em, accountKey);
  return { user, tokens: await openSession(ctx, user, client) };
}

/**
 * Makes sure an admin exists: the configured one, or admin@eventix.com / admin123 outside production.
 * Production refuses the well-known default password.
 */
export async function ensureDefaultAdmin(ctx: UsersContext, env: string): Promise<void> {
  const { email, password } = ctx.auth.admin;
  const em = ctx.orm.em.fork();
  if (env === 'production' && password === undefined) {
    const existing = await em.findOne(UserAccount, { email });
    if (!existing || (await verifyPassword(existing.passwordHash, DEFAULT_ADMIN_PASSWORD))) {
      throw new Error(`production refuses the default admin password: set ADMIN_PASSWORD (the admin is ${email})`);
    }
  }
  if ((await em.count(UserAccount, { role: 'admin' })) > 0) return;
  try {
    await createAccount(
      ctx,
      { email, password: password ?? DEFAULT_ADMIN_PASSWORD, name: 'Eventix admin', role: 'admin' },
      { skipPolicy: true },
    );
    ctx.logger.info({ email }, 'default admin created');
  } catch (err) {
    // Another instance created it at the same moment.
    if (!(err instanceof DomainError && err.code === 'EMAIL_TAKEN')) throw err;
  }
}

export async function findAccount(em: EntityManager, userId: string): Promise<UserAccountRow> {
  const user = await em.findOne(UserAccount, { id: userId });
  if (!user) throw new DomainError('not_found', 'USER_NOT_FOUND', 'No user with this id.');
  return user;
}

/** Refuses a change that would leave no active admin. */
async function keepAnAdmin(em: EntityManager, user: UserAccountRow): Promise<void> {
  if (user.role !== 'admin' || user.status !== 'active') return;
  // Locked, so two admins demoting each other at once cannot both succeed.
  const admins = await em.find(UserAccount, { role: 'admin', status: 'active' }, { fields: ['id'], lockMode: LockMode.PESSIMISTIC_WRITE });
  if (admins.length <= 1) throw new DomainError('conflict', 'LAST_ADMIN', 'This is the last active admin; make another admin first.');
}

/**
 * Whether a role change ends the user's sessions, so no token keeps the old role: every change but a user's promotion
 * to admin (a user's token grants less than an admin's). A scanner's sessions end too, as do those of a user becoming a
 * scanner, whose old tokens would otherwise still act as a customer's on a shared door device.
 */
function roleChangeEndsSessions(from: Role, to: Role): boolean {
  return !(from === 'user' && to === 'admin');
}

/** Changes a user's role; the user's sessions end unless the role only grew (see roleChangeEndsSessions). */
export async function changeRole(ctx: UsersContext, userId: string, role: Role): Promise<UserAccountRow> {
  const user = await ctx.orm.em.fork().transactional(async (em) => {
    const user = await findAccount(em, userId);
    if (user.role === role) return user;
    if (role !== 'admin') await keepAnAdmin(em, user);
    const endsSessions = roleChangeEndsSessions(user.role, role);
    user.role = role;
    await em.flush();
    if (endsSessions) await revokeSessionsIn(em, ctx, { userId }, 'revoked_by_admin');
    return user;
  });
  ctx.published();
  return user;
}

/** Deactivates (sessions revoked, sign-in refused) or reactivates an account. */
export async function changeStatus(ctx: UsersContext, userId: string, status: 'active' | 'deactivated'): Promise<UserAccountRow> {
  const user = await ctx.orm.em.fork().transactional(async (em) => {
    const user = await findAccount(em, userId);
    if (user.status === status) return user;
    if (status === 'deactivated') await keepAnAdmin(em, user);
    user.status = status;
    await em.flush();
    if (status === 'deactivated') await revokeSessionsIn(em, ctx, { userId }, 'user_deactivated');
    return user;
  });
  ctx.published();
  return user;
}

export interface UserQuery {
  limit: number;
  cursor?: string;
  q?: string;
  role?: Role;
  status?: 'active' | 'deactivated';
}

/** Every account, newest first; `q` matches part of the email or the name. */
export async function listUsers(ctx: UsersContext, query: UserQuery) {
  const like = containsPattern(query.q);
  const rows = await ctx.orm.em.fork().find(
    UserAccount,
    {
      $and: [
        query.role ? { role: query.role } : {},
        query.status ? { status: query.status } : {},
        like ? { $or: [{ email: { $ilike: like } }, { name: { $ilike: like } }] } : {},
        afterCursor(query.cursor, 'createdAt', 'desc'),
      ],
    },
    { orderBy: { createdAt: 'desc', id: 'desc' }, limit: query.limit + 1 },
  );
  return toPage(rows, query.limit, cursorKeys('createdAt'), (u) => u);
}
