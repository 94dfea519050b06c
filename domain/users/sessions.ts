// Sessions: opened at login, kept alive by rotating refresh tokens, ended by logout, revocation or theft detection.
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../common/errors/domain-error.ts';
import { enqueueEvent } from '../../common/messaging/outbox.ts';
import { sessionRevokedV1, type SESSION_REVOCATION_REASONS } from '../../contracts/users.ts';
import { UserSession, type UserSessionRow } from '../../entities/users/session.entity.ts';
import { UserAccount, type UserAccountRow } from '../../entities/users/user-account.entity.ts';
import { PRODUCER, type UsersContext } from './context.ts';
import { hashRefreshToken, issueAccessToken, newRefreshToken, type TokenPair } from './tokens.ts';

export type RevocationReason = (typeof SESSION_REVOCATION_REASONS)[number];

export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

async function tokenPair(ctx: UsersContext, user: UserAccountRow, sessionId: string, refreshToken: string): Promise<TokenPair> {
  return {
    accessToken: await issueAccessToken(ctx.keys, ctx.auth, { userId: user.id, role: user.role, sessionId }),
    refreshToken,
    tokenType: 'Bearer',
    expiresIn: ctx.auth.accessTokenTtlSeconds,
  };
}

async function storeRefreshToken(em: EntityManager, sessionId: string): Promise<string> {
  const token = newRefreshToken();
  await em.execute('insert into refresh_token (token_hash, session_id) values (?, ?)', [hashRefreshToken(token), sessionId]);
  return token;
}

export async function openSession(ctx: UsersContext, user: UserAccountRow, client: ClientInfo): Promise<TokenPair> {
  const sessionId = randomUUID();
  const refreshToken = await ctx.orm.em.fork().transactional(async (em) => {
    em.create(UserSession, {
      id: sessionId,
      userId: user.id,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip.slice(0, 64),
      expiresAt: new Date(Date.now() + ctx.auth.sessionTtlDays * 86_400_000),
    });
    await em.flush();
    return storeRefreshToken(em, sessionId);
  });
  return tokenPair(ctx, user, sessionId, refreshToken);
}

/**
 * Trades a refresh token for a new pair. Each refresh token works once: presenting a used one means it was
 * copied, so the whole session is revoked; except just after its rotation while its successor is still unused, when
 * the answer was lost on its way (see lostAnswer).
 */
export async function refreshSession(ctx: UsersContext, refreshToken: string, client: ClientInfo): Promise<TokenPair> {
  const tokenHash = hashRefreshToken(refreshToken);
  const outcome = await ctx.orm.em.fork().transactional(async (em) => {
    const [claimed] = await em.execute<{ session_id: string }[]>(
      'update refresh_token set used_at = now() where token_hash = ? and used_at is null returning session_id',
      [tokenHash],
    );
    let sessionId = claimed?.session_id;
    if (!sessionId) {
      const [known] = await em.execute<{ session_id: string }[]>('select session_id from refresh_token where token_hash = ?', [tokenHash]);
      if (!known) return { unknown: true } as const;
      if (!(await lostAnswer(em, tokenHash, known.session_id, ctx.auth.refreshReuseGraceSeconds))) {
        return { reused: known.session_id } as const;
      }
      sessionId = known.session_id;
    }
    const session = await em.findOne(UserSession, { id: sessionId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const user = session && (await em.findOne(UserAccount, { id: session.userId }));
    if (!session || !user || session.revokedAt || session.expiresAt <= new Date() || user.status !== 'active') {
      return { ended: true } as const;
    }
    session.lastUsedAt = new Date();
    session.ip = client.ip.slice(0, 64);
    await em.flush();
    return { user, sessionId: session.id, next: await storeRefreshToken(em, session.id) } as const;
  });
  if ('reused' in outcome) {
    await revokeWhere(ctx, { id: outcome.reused }, 'refresh_token_reuse');
    ctx.logger.warn({ sessionId: outcome.reused }, 'a used refresh token was presented again; session revoked');
    throw new DomainError(
      'unauthorized',
      'REFRESH_TOKEN_REUSED',
      'This refresh token was already used; the session has been ended. Sign in again.',
    );
  }
  if ('unknown' in outcome) throw new DomainError('unauthorized', 'REFRESH_TOKEN_INVALID', 'The refresh token is not valid.');
  if ('ended' in outcome) throw new DomainError('unauthorized', 'SESSION_ENDED', 'The session has ended. Sign in again.');
  return tokenPair(ctx, outcome.user, outcome.sessionId, outcome.next);
}

/**
 * Whether a used refresh token presented again is a lost answer: used within the grace, and no token of its session
 * was used since (its successor, issued in the same transaction, never arrived or was never presented). Then the
 * unused successor is deleted, so only the pair answered now works (the lost one is not valid), and the caller rotates
 * again. Under the session's
 * lock, so two such retries at once are one after the other (the second sees the first's successor unused and
 * replaces it in turn).
 */
async function lostAnswer(em: EntityManager, tokenHash: string, sessionId: string, graceSeconds: number): Promise<boolean> {
  if (graceSeconds <= 0) return false;
  await em.execute('select id from user_session where id = ? for update', [sessionId]);
  const [lost] = await em.execute<{ used_at: Date }[]>(
    `select t.used_at from refresh_token t
      where t.token_hash = ? and t.used_at > now() - make_interval(secs => ?)
        and not exists (select 1 from refresh_token n
                         where n.session_id = t.session_id and n.created_at >= t.used_at and n.used_at is not null)`,
    [tokenHash, graceSeconds],
  );
  if (!lost) return false;
  await em.execute('delete from refresh_token where session_id = ? and used_at is null', [sessionId]);
  return true;
}

/** Revokes the sessions (not yet revoked) matching `where` inside `em`'s transaction, with one session.revoked each. */
export async function revokeSessionsIn(
  em: EntityManager,
  ctx: UsersContext,
  where: { id?: string; userId?: string; excludeId?: string },
  reason: RevocationReason,
): Promise<UserSessionRow[]> {
  const sessions = await em.find(UserSession, {
    ...(where.id ? { id: where.id } : {}),
    ...(where.userId ? { userId: where.userId } : {}),
    ...(where.excludeId ? { id: { $ne: where.excludeId } } : {}),
    revokedAt: null,
    expiresAt: { $gt: new Date() },
  });
  const now = new Date();
  const tokensValidUntil = new Date(now.getTime() + ctx.auth.accessTokenTtlSeconds * 1000);
  for (const session of sessions) {
    session.revokedAt = now;
    session.revokedReason = reason;
    enqueueEvent(
      em,
      sessionRevokedV1,
      {
        sessionId: session.id,
        userId: session.userId,
        reason,
        revokedAt: now.toISOString(),
        tokensValidUntil: tokensValidUntil.toISOString(),
      },
      PRODUCER,
    );
  }
  await em.flush();
  return sessions;
}

export async function revokeWhere(
  ctx: UsersContext,
  where: Parameters<typeof revokeSessionsIn>[2],
  reason: RevocationReason,
): Promise<UserSessionRow[]> {
  const revoked = await ctx.orm.em.fork().transactional((em) => revokeSessionsIn(em, ctx, where, reason));
  if (revoked.length) ctx.published();
  return revoked;
}

/** The session is still open: a token of a revoked session is refused by the users service at once. */
export async function isSessionOpen(ctx: UsersContext, sessionId: string): Promise<boolean> {
  const session = await ctx.orm.em.fork().findOne(UserSession, { id: sessionId });
  return !!session && !session.revokedAt && session.expiresAt > new Date();
}

export async function assertSessionOpen(ctx: UsersContext, sessionId: string): Promise<void> {
  if (!(await isSessionOpen(ctx, sessionId)))
    throw new DomainError('unauthorized', 'SESSION_REVOKED', 'The session of this token has been ended.');
}

export async function listOpenSessions(ctx: UsersContext, userId: string): Promise<UserSessionRow[]> {
  return ctx.orm.em
    .fork()
    .find(UserSession, { userId, revokedAt: null, expiresAt: { $gt: new Date() } }, { orderBy: { lastUsedAt: 'desc', id: 'desc' } });
}

/** Revocations whose access tokens may still be presented: what a (re)starting gateway must know. */
export async function recentRevocations(ctx: UsersContext): Promise<{ sessionId: string; tokensValidUntil: string }[]> {
  const horizonMs = ctx.auth.accessTokenTtlSeconds * 1000;
  const sessions = await ctx.orm.em
    .fork()
    .find(UserSession, { revokedAt: { $gt: new Date(Date.now() - horizonMs) } }, { fields: ['id', 'revokedAt'] });
  return sessions.map((s) => ({ sessionId: s.id, tokensValidUntil: new Date(s.revokedAt!.getTime() + horizonMs).toISOString() }));
}
