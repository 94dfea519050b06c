// A small client-side router on the History API: paths like `/events/:id`, links that do not reload, and the
// current route's parameters. Each area of the app lists its own routes (web/src/pages/<area>/routes.ts).
import { createContext, useContext, useEffect, useState, type AnchorHTMLAttributes, type ComponentType, type MouseEvent } from 'react';
import type { Role } from './auth.tsx';

export interface Route {
  path: string;
  page: ComponentType<{ params: Record<string, string> }>;
  /** Who may open it; everyone when absent. Others are sent to sign in (or told they may not). */
  roles?: Role[];
  /** The document title. */
  title: string;
}

const NavigationContext = createContext<{ path: string; navigate: (to: string) => void }>({ path: '/', navigate: () => undefined });

export function navigate(to: string): void {
  history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function usePath(): string {
  return useContext(NavigationContext).path;
}

export function NavigationProvider({ children }: { children: React.ReactNode }) {
  const [path, setPath] = useState(() => location.pathname + location.search);
  useEffect(() => {
    const update = () => setPath(location.pathname + location.search);
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return <NavigationContext.Provider value={{ path, navigate }}>{children}</NavigationContext.Provider>;
}

/** The route matching a path, with its parameters. */
export function match(routes: Route[], fullPath: string): { route: Route; params: Record<string, string> } | undefined {
  const [path = '/'] = fullPath.split('?');
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((p, i) => {
      if (p.startsWith(':')) return ((params[p.slice(1)] = decodeURIComponent(parts[i]!)), true);
      return p === parts[i];
    });
    if (ok) return { route, params };
  }
  return undefined;
}

/** The current query string's parameters. */
export function useQuery(): URLSearchParams {
  return new URLSearchParams(usePath().split('?')[1] ?? '');
}

/** An in-app link: a real <a href> (open in new tab works), without a reload on a plain click. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest} />;
}
