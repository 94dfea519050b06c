// How a service other than users checks callers: tokens against the users service's published keys, and sessions
// asked of the users service (money routes refuse a signed-out token at once), or vouched for by a complete revocation
// feed while no users instance answers; every route refuses a session the revocation feed names.
import { remoteSessionCheck, type SessionCheck } from '../common/auth/sessions.ts';
import { remoteKeys, verifierFor, type TokenVerifier } from '../common/auth/verify.ts';
import type { PlatformDeps } from './service-manifest.ts';

export interface RemoteAuth {
  verifier: TokenVerifier;
  sessions: SessionCheck;
}

export function remoteAuth({ config, logger, gatewaySecret, revoked }: PlatformDeps): RemoteAuth {
  const urls = config.services.users.urls;
  return {
    verifier: verifierFor(config.auth, remoteKeys({ urls, logger }), (sid) => revoked.has(sid)),
    sessions: remoteSessionCheck({ urls, secret: gatewaySecret, logger, vouch: (sid) => revoked.current && !revoked.has(sid) }),
  };
}
