// What the users domain operations need: the database, the signing keys and the auth settings.
import type { SigningKeys } from '../../common/auth/keys.ts';
import type { AuthConfig } from '../../common/config.ts';
import type { Orm } from '../../common/db/orm.ts';
import type { Logger } from '../../common/logger.ts';

export const PRODUCER = 'users';

export interface UsersContext {
  orm: Orm;
  keys: SigningKeys;
  auth: AuthConfig;
  logger: Logger;
  /** Called after a commit that wrote outbox rows, so they are relayed at once. */
  published(): void;
}
