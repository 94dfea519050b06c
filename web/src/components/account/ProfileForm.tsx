// My name and phone (the email and role are shown, not changed here).
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { must, problemOf, type Problem } from '../../api/problems.ts';
import { useAuth } from '../../app/auth.tsx';
import { Field } from '../common/Field.tsx';
import { ProblemMessage } from '../common/ProblemMessage.tsx';

export function ProfileForm() {
  const { account, reload } = useAuth();
  const [name, setName] = useState(account?.name ?? '');
  const [phone, setPhone] = useState(account?.phone ?? '');
  const [problem, setProblem] = useState<Problem>();
  const [saved, setSaved] = useState('');

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    setSaved('');
    try {
      await must(api.users.PATCH('/users/me', { body: { name, phone: phone.trim() === '' ? null : phone } }));
      await reload();
      setSaved('Your profile is saved.');
    } catch (err) {
      setProblem(problemOf(err));
    }
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
