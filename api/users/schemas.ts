// Request and response bodies of the users service, declared once for validation and OpenAPI.
import { z } from '@hono/zod-openapi';
import { RevocationsSchema as Revocations, SessionStatusSchema as SessionStatus } from '../../common/auth/session-status.ts';
import { ROLES, type Role } from '../../common/auth/verify.ts';
import { PageQuerySchema, pageOf } from '../../common/http/pagination.ts';
import { text } from '../../common/http/text.ts';
import { NOTIFICATION_KINDS } from '../../entities/users/preference.entity.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from '../../domain/users/passwords.ts';
import { LANGUAGES } from '../../domain/users/profile.ts';

const email = z.email().max(320).openapi({ example: 'ada@example.com' });
const name = text({ min: 1, max: 200, trim: true }).openapi({ example: 'Ada Lovelace' });
const phone = text({ max: 32, trim: true })
  .regex(/^\+?[0-9 ()-]{5,31}$/, 'expected a phone number such as +44 20 7946 0958')
  .openapi({ example: '+44 20 7946 0958' });

// The policy is checked with the other fields so one answer names every problem; the domain checks it again with the email.
// Any character a password manager produces is allowed, except what cannot be stored or hashed the same way twice.
const newPassword = text({ max: PASSWORD_MAX_LENGTH, kind: 'opaque' })
  .superRefine((password, ctx) => {
    // Too long is already said by text().
    const problem = password.length > PASSWORD_MAX_LENGTH ? undefined : passwordProblem(password);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .openapi({ description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, not a common password, not containing the email` });

export const RegisterSchema = z.object({ email, password: newPassword, name }).openapi('Registration');

export const LoginSchema = z
  .object({
    // Not checked as an email here: a wrong one is simply wrong credentials.
    email: text({ max: 320 }).openapi({ example: 'admin@eventix.com' }),
    password: text({ min: 1, max: PASSWORD_MAX_LENGTH, kind: 'opaque' }),
  })
  .openapi('Credentials');

export const RefreshSchema = z.object({ refreshToken: text({ min: 1, max: 200, kind: 'opaque' }) }).openapi('RefreshRequest');

export const TokenPairSchema = z
  .object({
    accessToken: z.string().openapi({ description: 'Signed JWT (EdDSA), valid for expiresIn seconds' }),
    refreshToken: z.string().openapi({ description: 'Opaque; works once, rotated on every refresh' }),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().openapi({ example: 900 }),
  })
  .openapi('TokenPair');

export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    role: z.enum(ROLES).openapi({ description: 'user: a customer; admin: runs the platform; scanner: door staff (check-in only)' }),
    status: z.enum(['active', 'deactivated']),
    createdAt: z.iso.datetime(),
  })
  .openapi('User');

export type UserView = z.infer<typeof UserSchema>;

export function userView(user: {
  id: string;
  email: string;
  name: string;
  phone?: string | null;
  role: Role;
  status: 'active' | 'deactivated';
  createdAt: Date;
}): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    phone: user.phone ?? null,
    role: user.role,
    status: user.status,
    createdAt: user.createdAt.toISOString(),
  };
}

export const ProfilePatchSchema = z
  .object({ name: name.optional(), phone: phone.nullable().optional() })
  .openapi('ProfileChange', { description: 'Only name and phone can change here; other fields are ignored.' });

export const PreferencesSchema = z
  .object({
    language: z.enum(LANGUAGES),
    emailNotifications: z.object(
      Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, z.boolean()])) as Record<(typeof NOTIFICATION_KINDS)[number], z.ZodBoolean>,
    ),
  })
  .openapi('Preferences');

export const SessionSchema = z
  .object({
    id: z.uuid(),
    current: z.boolean().openapi({ description: 'The session of the token making this request' }),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
  })
  .openapi('Session');

export const NotificationSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(NOTIFICATION_KINDS),
    title: z.string(),
    body: z.string(),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.iso.datetime(),
    readAt: z.iso.datetime().nullable(),
  })
  .openapi('Notification');

export function notificationView(n: {
  id: string;
  kind: (typeof NOTIFICATION_KINDS)[number];
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: Date;
  readAt?: Date | null;
}) {
  return {
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    data: n.data,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt?.toISOString() ?? null,
  };
}

export const NotificationPageSchema = pageOf(NotificationSchema).extend({ unreadCount: z.number().int() }).openapi('NotificationPage');
export const NotificationQuerySchema = PageQuerySchema.extend({
  unread: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .openapi({ description: 'Only unread notifications' }),
});

export const UserPageSchema = pageOf(UserSchema).openapi('UserPage');
export const UserQuerySchema = PageQuerySchema.extend({
  q: text({ min: 1, max: 100, trim: true }).optional().openapi({ description: 'Part of the email or name' }),
  role: z.enum(ROLES).optional(),
  status: z.enum(['active', 'deactivated']).optional(),
});

export const NewUserSchema = RegisterSchema.extend({ role: z.enum(ROLES).default('user') }).openapi('NewUser');
export const RoleChangeSchema = z.object({ role: z.enum(ROLES) }).openapi('RoleChange');

// The internal answers are read by other processes too, so their shapes live in common/auth; here they gain their docs.
// They are rebuilt from their shapes: common/auth uses plain zod, and a schema made before @hono/zod-openapi was first
// loaded has no `.openapi()`, which depends on what a process happened to import first.
export const RevocationsSchema = z.object(Revocations.shape).openapi('Revocations');

export const SessionStatusSchema = z
  .object({
    ...SessionStatus.shape,
    open: SessionStatus.shape.open.describe('False once ended (logout, revocation, reuse) or expired'),
  })
  .openapi('SessionStatus');

export { IdParamSchema } from '../../common/http/openapi.ts';
