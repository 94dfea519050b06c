// My signed-in devices, this one marked: sign one out, or every other one at once (their refresh tokens die with
// them, and the gateway refuses their access tokens within a second).
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { must, problemOf, type Problem } from '../../api/problems.ts';
import { ProblemMessage } from '../common/ProblemMessage.tsx';
import type { Session } from './types.ts';
import { useLoaded } from '../common/use-loaded.ts';

const when = (iso: string) => new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** "Chrome on Linux"-like words would need a parser; the browser's own string, shortened, says enough. */
function device(session: Session): string {
  const agent = session.userAgent ?? 'An unknown device';
  return agent.length > 80 ? `${agent.slice(0, 77)}…` : agent;
}

export function SessionList() {
  const { data, problem, reload } = useLoaded(async () => (await must(api.users.GET('/users/me/sessions'))).items, []);
  const [actionProblem, setActionProblem] = useState<Problem>();
  const [notice, setNotice] = useState('');

  const act = async (call: () => Promise<string>) => {
    setActionProblem(undefined);
    try {
      setNotice(await call());
      await reload();
    } catch (err) {
      setActionProblem(problemOf(err));
    }
  };
  const endOne = (id: string) =>
    act(async () => {
      const { error, response } = await api.users.DELETE('/users/me/sessions/{id}', { params: { path: { id } } });
      if (error) throw problemOf(error, response);
      return 'That device is signed out.';
    });
  const endOthers = () =>
    act(async () => {
      const { revoked } = await must(api.users.DELETE('/users/me/sessions'));
      return revoked === 1 ? 'One other device is signed out.' : `${revoked} other devices are signed out.`;
    });

  const others = data?.filter((s) => !s.current) ?? [];
  return (
    <section aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are signed in</h2>
      <ProblemMessage problem={problem} />
      {!data && !problem && <p role="status">Loading your sessions…</p>}
      {data && (
        <ul className="session-list" aria-label="Signed-in devices">
          {data.map((s) => (
            <li key={s.id} className={s.current ? 'current' : undefined}>
              <strong>{s.current ? 'This device' : device(s)}</strong>
              <span className="sub">
                {s.current ? `${device(s)} · ` : ''}signed in {when(s.createdAt)}, last used {when(s.lastUsedAt)}
                {s.ip ? ` from ${s.ip}` : ''}
              </span>
              {!s.current && (
                <button type="button" onClick={() => endOne(s.id)} aria-label={`Sign out the device signed in ${when(s.createdAt)}`}>
                  Sign out this device
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <button type="button" onClick={endOthers}>
          Sign out everywhere else
        </button>
      )}
      <ProblemMessage problem={actionProblem} />
      <p aria-live="polite" className="notice">
        {notice}
      </p>
    </section>
  );
}
