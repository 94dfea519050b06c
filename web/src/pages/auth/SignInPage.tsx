// Sign in: email and password; on success back to the page that asked (or the shop).
import { useState, type FormEvent } from 'react';
import { useAuth } from '../../app/auth.tsx';
import { Link, navigate, useQuery } from '../../app/router.tsx';
import { Field } from '../../components/common/Field.tsx';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';
import { useAction } from '../../components/common/use-action.ts';

/** Only a path inside the app: a `next` naming another site is ignored. */
export function nextPath(query: URLSearchParams): string {
  const next = query.get('next') ?? '/';
  // Read as the browser would (`/\\evil.example` is another site to it): only a path of this origin is followed.
  const url = new URL(next, location.origin);
  return next.startsWith('/') && url.origin === location.origin ? url.pathname + url.search : '/';
}

export function SignInPage() {
  const { signIn } = useAuth();
  const query = useQuery();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { run, busy, problem } = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      await signIn(email, password);
      navigate(nextPath(query));
    });
  };

  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field
          label="Email"
          field="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          problem={problem}
        />
        <Field
          label="Password"
          field="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          problem={problem}
        />
        <ProblemMessage problem={problem} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here?{' '}
        <Link href={`/register${query.get('next') ? `?next=${encodeURIComponent(nextPath(query))}` : ''}`}>Create an account</Link>
      </p>
    </section>
  );
}
