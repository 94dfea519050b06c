// The signed-in session. The access token lives in memory only (each tab has its own, refreshed when it is about to
// expire). The refresh token is single-use (each refresh answers a new one and using an old one again ends the whole
// session), so it is kept in one place every tab of the box office shares (refresh-token-store.ts) and read, spent
// and replaced under a lock that spans the tabs: two tabs never spend the same refresh token, and a tab that waited
// reads the one the other tab got. Signing out ends it on the server and here. Expiry is the server's instant, so it
// is read on the server's clock (clock.ts).
import { fetchLearningTime, serverNow } from './clock.ts';
import { SIGNED_IN_MARKER, refreshTokenStore } from './refresh-token-store.ts';
import type { components } from './users.gen.ts';

type TokenPair = components['schemas']['TokenPair'];
type Listener = () => void;

const REFRESH_LOCK = 'eventix.refresh';
/** A token this close to its expiry is refreshed before it is sent... */
const EXPIRY_MARGIN_MS = 30_000;
/** ...or, when it lives only a short while, once this share of its life is left (not before every request). */
const SHORT_LIFE_MARGIN = 1 / 3;

/** A JWT's times, from its payload (it is not verified here: the API does that). */
function timesOf(token: string): { exp?: number; iat?: number } {
  try {
    return JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number; iat?: number };
  } catch {
    return {};
  }
}

/** When a new access token is to be renewed (server clock, ms): a margin before it expires. */
function renewalOf(pair: TokenPair): number {
  const { exp, iat } = timesOf(pair.accessToken);
  const expiresAt = exp ? exp * 1000 : serverNow() + pair.expiresIn * 1000;
  const lifeMs = exp && iat ? (exp - iat) * 1000 : pair.expiresIn * 1000;
  return expiresAt - Math.min(EXPIRY_MARGIN_MS, lifeMs * SHORT_LIFE_MARGIN);
}

/** Runs `fn` while no other tab of this origin runs it (Web Locks; browsers without them run it alone in the tab). */
function exclusively<T>(fn: () => Promise<T>): Promise<T> {
  return navigator.locks ? navigator.locks.request(REFRESH_LOCK, fn) : fn();
}

class Session {
  #access: string | undefined;
  #renewAt: number | undefined;
  #refreshing: Promise<boolean> | undefined;
  /** Counts the sign-ins and sign-outs of this tab: a refresh answered after one of them is not kept. */
  #generation = 0;
  readonly #listeners = new Set<Listener>();

  accessToken(): string | undefined {
    return this.#access;
  }

  /** The access token is missing or about to expire while a refresh token could renew it. */
  expiresSoon(): boolean {
    if (!this.hasRefreshToken()) return false;
    return this.#renewAt === undefined || serverNow() >= this.#renewAt;
  }

  hasRefreshToken(): boolean {
    return refreshTokenStore.present();
  }

  /** Keeps the pair a sign-in answered; its refresh token is stored under the lock, so no refresh reads the old one. */
  async signedIn(pair: TokenPair): Promise<void> {
    this.#generation++;
    this.#keep(pair);
    // A store that cannot be written leaves this tab signed in until the token expires: nothing better is possible.
    await exclusively(() => refreshTokenStore.write(pair.refreshToken)).catch(() => undefined);
  }

  /**
   * Forgets the tokens here (the server side is ended by the logout call). The stored token is removed under the lock:
   * a refresh another tab is making meanwhile stores its new token first, and this removes that one too.
   */
  clear(): void {
    this.#generation++;
    this.signedOutElsewhere();
    void exclusively(() => refreshTokenStore.write(undefined)).catch(() => undefined);
  }

  /** Another tab signed out: only the tokens in memory remain to forget (and the store may already hold a new session). */
  signedOutElsewhere(): void {
    this.#access = undefined;
    this.#renewAt = undefined;
    this.#emit();
  }

  #keep(pair: TokenPair): void {
    this.#access = pair.accessToken;
    this.#renewAt = renewalOf(pair);
    this.#emit();
  }

  #forget(): Promise<void> {
    this.signedOutElsewhere();
    return refreshTokenStore.write(undefined).catch(() => undefined);
  }

  /** Trades the refresh token for a new pair; one refresh at a time, however many requests or tabs need it. */
  refresh(): Promise<boolean> {
    this.#refreshing ??= exclusively(() => this.#refresh()).finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  /** Runs under the lock: the token is read, spent and replaced before another tab may read it. */
  async #refresh(): Promise<boolean> {
    const generation = this.#generation;
    const refreshToken = await refreshTokenStore.read().catch(() => null);
    if (refreshToken === null) return false; // the store could not be read: the token may still be good, try again later
    if (!refreshToken) {
      await this.#forget();
      return false;
    }
    const res = await fetchLearningTime('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    }).catch(() => undefined);
    if (!res) return false; // the network: the token may still be good, try again later
    // Signed out (or in again) while this refresh was under way: that decision stands, and the store is its to write.
    if (generation !== this.#generation) return false;
    if (!res.ok) {
      // Refused: this session is over (signed out elsewhere, expired, or ended for reuse).
      if (res.status === 401 || res.status === 403) await this.#forget();
      return false;
    }
    // An answer cut off on the way: the token is spent and its successor lost, but nothing better can be done here.
    const pair = (await res.json().catch(() => undefined)) as TokenPair | undefined;
    if (!pair || generation !== this.#generation) return false;
    await refreshTokenStore.write(pair.refreshToken).catch(() => undefined);
    this.#keep(pair);
    return true;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}

export const session = new Session();

// Signing out in one tab signs every tab out.
window.addEventListener('storage', (e) => {
  if (e.key === SIGNED_IN_MARKER && e.newValue === null && session.accessToken()) session.signedOutElsewhere();
});
