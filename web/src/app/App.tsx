// The box office: the page the path names, inside the shell, if the signed-in role may open it.
import { useEffect } from 'react';
import { AuthProvider, useAuth } from './auth.tsx';
import { Link, match, NavigationProvider, usePath } from './router.tsx';
import { ROUTES } from './routes.ts';
import { Shell } from './Shell.tsx';
import { Loading } from '../components/common/Loading.tsx';

function CurrentPage() {
  const path = usePath();
  const { account } = useAuth();
  const found = match(ROUTES, path);
  useEffect(() => {
    document.title = `${found?.route.title ?? 'Not found'} · Eventix`;
  }, [found?.route.title]);
  useEffect(() => {
    // A new page: focus moves to it, so keyboard and screen-reader users start at its top.
    document.getElementById('main')?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [path]);

  if (!found) {
    return (
      <section>
        <h1>Page not found</h1>
        <p>
          There is no page here. <Link href="/">See the events on sale</Link>.
        </p>
      </section>
    );
  }
  const { route, params } = found;
  if (route.roles) {
    if (account === undefined) return <Loading what="your account" />;
    if (account === null) {
      return (
        <section>
          <h1>{route.title}</h1>
          <p>
            Please <Link href={`/signin?next=${encodeURIComponent(path)}`}>sign in</Link> to see this page.
          </p>
        </section>
      );
    }
    if (!route.roles.includes(account.role)) {
      return (
        <section>
          <h1>{route.title}</h1>
          <p>Your account may not open this page.</p>
        </section>
      );
    }
  }
  const Page = route.page;
  return <Page params={params} />;
}

export function App() {
  return (
    <NavigationProvider>
      <AuthProvider>
        <Shell>
          <CurrentPage />
        </Shell>
      </AuthProvider>
    </NavigationProvider>
  );
}
