// My name and phone (the email and role are shown, not changed here).
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { must } from '../../api/problems.ts';
import { useAuth } from '../../app/auth.tsx';
import { Field } from '../common/Field.tsx';
import { ProblemMessage } from '../common/ProblemMessage.tsx';
import { useAction } from '../common/use-action.ts';

export function ProfileForm() {
  const { account, reload } = useAuth();
  const [name, setName] = useState(account?.name ?? '');
  const [phone, setPhone] = useState(account?.phone ?? '');
  const { run, problem } = useAction();
  const [saved, setSaved] = useState('');

  const save = (e: FormEvent) => {
    e.preventDefault();
    setSaved('');
    return run(async () => {
      await must(api.users.PATCH('/users/me', { body: { name, phone: phone.trim() === '' ? null : phone } }));
      await reload();
      setSaved('Your profile is saved.');
    });
  };

  return (
    <form onSubmit={save} aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <p>
        Email: <strong>{account?.email}</strong>
      </p>
      <Field label="Name" field="name" problem={problem} value={name} onChange={(e) => setName(e.target.value)} required />
      <Field label="Phone" field="phone" type="tel" problem={problem} value={phone} onChange={(e) => setPhone(e.target.value)} />
      <button type="submit">Save profile</button>
      <ProblemMessage problem={problem} />
      <p aria-live="polite" className="notice">
        {saved}
      </p>
    </form>
  );
}
