// Create an account: name, email, password (the API's rules are shown as a hint and its refusals on the fields).
import { useState, type FormEvent } from 'react';
import { useAuth } from '../../app/auth.tsx';
import { Link, navigate, useQuery } from '../../app/router.tsx';
import { Field } from '../../components/common/Field.tsx';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';
import { useAction } from '../../components/common/use-action.ts';
import { nextPath } from './SignInPage.tsx';

export function RegisterPage() {
  const { register } = useAuth();
  const query = useQuery();
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const { run, busy, problem } = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      await register(form.name, form.email, form.password);
      navigate(nextPath(query));
    });
  };

  return (
    <section className="narrow">
      <h1>Create an account</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field
          label="Name"
          field="name"
          autoComplete="name"
          required
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          problem={problem}
        />
        <Field
          label="Email"
          field="email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          onChange={(e) => setForm({ ...form, email: e.target.value })}
          problem={problem}
        />
        <Field
          label="Password"
          field="password"
          type="password"
          autoComplete="new-password"
          required
          hint="8 to 128 characters, not a common password, and not containing your email."
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
          problem={problem}
        />
        <ProblemMessage problem={problem} />
        <button type="submit" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Have an account? <Link href="/signin">Sign in</Link>
      </p>
    </section>
  );
}
