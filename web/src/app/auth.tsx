// Who is signed in: the account from GET /users/me once a token is there, restored from the refresh token on reload.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client.ts';
import { must } from '../api/problems.ts';
import { session } from '../api/session.ts';
import type { components } from '../api/users.gen.ts';

export type Account = components['schemas']['User'];
export type Role = Account['role'];

interface AuthState {
  /** undefined while the session is being restored; null when signed out. */
  account: Account | null | undefined;
  signIn: (email: string, password: string) => Promise<void>;
  register: (name: string, email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  reload: () => Promise<void>;
}

const AuthContext = createContext<AuthState | undefined>(undefined);

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}

async function loadAccount(): Promise<Account | null> {
  if (!session.accessToken()) return null;
  const { data } = await api.users.GET('/users/me');
  return data ?? null;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [account, setAccount] = useState<Account | null | undefined>(undefined);
  const reload = useCallback(async () => setAccount(await loadAccount()), []);

  useEffect(() => {
    // A reload of the tab: the access token is gone (memory only), the refresh token gets a new pair.
    void (async () => {
      if (session.hasRefreshToken()) await session.refresh();
      await reload();
    })();
    return session.subscribe(() => {
      if (!session.accessToken()) setAccount(null);
    });
  }, [reload]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      await session.signedIn(await must(api.users.POST('/auth/login', { body: { email, password } })));
      await reload();
    },
    [reload],
  );

  const register = useCallback(
    async (name: string, email: string, password: string) => {
      await must(api.users.POST('/auth/register', { body: { name, email, password } }));
      await signIn(email, password);
    },
    [signIn],
  );

  const signOut = useCallback(async () => {
    // The server ends the session (its refresh token dies with it); the tokens here are forgotten either way.
    await api.users.POST('/auth/logout', {}).catch(() => undefined);
    session.clear();
    setAccount(null);
  }, []);

  return <AuthContext.Provider value={{ account, signIn, register, signOut, reload }}>{children}</AuthContext.Provider>;
}
