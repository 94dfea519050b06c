// The frame of every page: a skip link, the header with what the signed-in role may use, the page, the footer.
import type { ReactNode } from 'react';
import { useAuth } from './auth.tsx';
import { Link, navigate } from './router.tsx';
import { NotificationsLink } from '../components/account/NotificationsLink.tsx';

function Navigation() {
  const { account, signOut } = useAuth();
  const out = async () => {
    await signOut();
    navigate('/');
  };
  return (
    <nav aria-label="Main">
      <ul>
        <li>
          <Link href="/">Events</Link>
        </li>
        {account && account.role !== 'scanner' && (
          <li>
            <Link href="/account/bookings">My bookings</Link>
          </li>
        )}
        {account && <NotificationsLink />}
        {account?.role === 'admin' && (
          <>
            <li>
              <Link href="/admin/events">Manage events</Link>
            </li>
            <li>
              <Link href="/admin/venues">Venues</Link>
            </li>
          </>
        )}
        {account?.role === 'scanner' && (
          <li>
            <Link href="/door">Door</Link>
          </li>
        )}
      </ul>
      <div className="who">
        {account ? (
          <>
            <span>
              Signed in as <strong>{account.name}</strong>
            </span>
            <Link href="/account/profile">Profile</Link>
            <button type="button" onClick={() => void out()}>
              Sign out
            </button>
          </>
        ) : account === null ? (
          <>
            <Link href="/signin">Sign in</Link>
            <Link href="/register">Create account</Link>
          </>
        ) : null}
      </div>
    </nav>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link href="/" className="brand">
          Eventix
        </Link>
        <Navigation />
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>
          Eventix box office · <a href="/docs">API documentation</a>
        </p>
      </footer>
    </>
  );
}
