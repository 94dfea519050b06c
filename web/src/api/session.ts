// The signed-in session. The access token lives in memory only (a script injected into the page could read storage,
// and the token opens the account for its lifetime). The refresh token is kept in sessionStorage so a reload of this
// tab stays signed in; it is single-use (each refresh answers a new one and the old one is dead), closes with the tab,
// and signing out ends it on the server.
import type { components } from './users.gen.ts';

type TokenPair = components['schemas']['TokenPair'];
type Listener = () => void;

const REFRESH_KEY = 'eventix.refresh';

class Session {
  #access: string | undefined;
  #refreshing: Promise<boolean> | undefined;
  readonly #listeners = new Set<Listener>();

  accessToken(): string | undefined {
    return this.#access;
  }

  hasRefreshToken(): boolean {
    return sessionStorage.getItem(REFRESH_KEY) !== null;
  }

  /** Keeps a new pair (after sign-in or a refresh). */
  signedIn(pair: TokenPair): void {
    this.#access = pair.accessToken;
    sessionStorage.setItem(REFRESH_KEY, pair.refreshToken);
    this.#emit();
  }

  /** Forgets the tokens here (the server side is ended by the logout call). */
  clear(): void {
    this.#access = undefined;
    sessionStorage.removeItem(REFRESH_KEY);
    this.#emit();
  }

  /** Trades the refresh token for a new pair; one refresh at a time, however many requests need it. */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #refresh(): Promise<boolean> {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    if (!refreshToken) return false;
    const res = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    }).catch(() => undefined);
    if (!res?.ok) {
      // A refused refresh ends the session here (network errors leave it for the next try).
      if (res) this.clear();
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
