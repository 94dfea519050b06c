// The signed-in session. The access token lives in memory only (each tab has its own, refreshed when it is about to
// expire). The refresh token is single-use (each refresh answers a new one and using an old one again ends the whole
// session), so it is kept in one place every tab of the box office shares, localStorage, and refreshed under a lock
// that spans the tabs: two tabs never spend the same refresh token, and a tab that waited reads the one the other
// tab got. Signing out ends it on the server and here.
import type { components } from './users.gen.ts';

type TokenPair = components['schemas']['TokenPair'];
type Listener = () => void;

const REFRESH_KEY = 'eventix.refresh';
const REFRESH_LOCK = 'eventix.refresh';
/** A token this close to its expiry is refreshed before it is sent. */
const EXPIRY_MARGIN_MS = 30_000;

/** When a JWT expires, from its payload (it is not verified here: the API does that). */
function expiryOf(token: string): number | undefined {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return payload.exp ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `fn` while no other tab of this origin runs it (Web Locks; browsers without them run it alone in the tab). */
function exclusively<T>(fn: () => Promise<T>): Promise<T> {
  return navigator.locks ? navigator.locks.request(REFRESH_LOCK, fn) : fn();
}

class Session {
  #access: string | undefined;
  #expiresAt: number | undefined;
  #refreshing: Promise<boolean> | undefined;
  readonly #listeners = new Set<Listener>();

  accessToken(): string | undefined {
    return this.#access;
  }

  /** The access token is missing or about to expire while a refresh token could renew it. */
  expiresSoon(): boolean {
    if (!this.hasRefreshToken()) return false;
    return this.#expiresAt === undefined || this.#expiresAt - Date.now() < EXPIRY_MARGIN_MS;
  }

  hasRefreshToken(): boolean {
    return localStorage.getItem(REFRESH_KEY) !== null;
  }

  /** Keeps a new pair (after sign-in or a refresh). */
  signedIn(pair: TokenPair): void {
    this.#access = pair.accessToken;
    this.#expiresAt = expiryOf(pair.accessToken) ?? Date.now() + pair.expiresIn * 1000;
    localStorage.setItem(REFRESH_KEY, pair.refreshToken);
    this.#emit();
  }

  /** Forgets the tokens here (the server side is ended by the logout call). */
  clear(): void {
    this.#access = undefined;
    this.#expiresAt = undefined;
    localStorage.removeItem(REFRESH_KEY);
    this.#emit();
  }

  /** Trades the refresh token for a new pair; one refresh at a time, however many requests or tabs need it. */
  refresh(): Promise<boolean> {
    this.#refreshing ??= exclusively(() => this.#refresh()).finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #refresh(): Promise<boolean> {
    const refreshToken = localStorage.getItem(REFRESH_KEY);
    if (!refreshToken) {
      this.clear();
      return false;
    }
    const res = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    }).catch(() => undefined);
    if (!res) return false; // the network: the token may still be good, try again later
    if (!res.ok) {
      // Refused: this session is over (signed out elsewhere, expired, or ended for reuse).
      if (res.status === 401 || res.status === 403) this.clear();
      return false;
    }
    this.signedIn((await res.json()) as TokenPair);
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
  if (e.key === REFRESH_KEY && e.newValue === null && session.accessToken()) session.clear();
});
