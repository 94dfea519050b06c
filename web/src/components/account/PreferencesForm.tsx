// My language and which emails I get: replaced as a whole (PUT /users/me/preferences).
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { must } from '../../api/problems.ts';
import { ProblemMessage } from '../common/ProblemMessage.tsx';
import { useAction } from '../common/use-action.ts';
import type { Preferences } from './types.ts';

const LANGUAGES: Record<Preferences['language'], string> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
  it: 'Italiano',
  nl: 'Nederlands',
  pl: 'Polski',
  pt: 'Português',
};

const EMAILS: Record<keyof Preferences['emailNotifications'], string> = {
  booking_confirmed: 'Booking confirmed, with the tickets',
  payment_receipt: 'Payment receipts',
  hold_expired: 'A hold expired',
  booking_cancelled: 'Booking cancelled',
  refund: 'Refunds',
  ticket_transferred: 'Tickets sent to me or accepted',
  event_cancelled: 'An event I booked was cancelled',
  waiting_list_offer: 'Seats offered to me from a waiting list',
};

export function PreferencesForm({ initial }: { initial: Preferences }) {
  const [prefs, setPrefs] = useState(initial);
  const { run, problem } = useAction();
  const [saved, setSaved] = useState('');
  const languageId = useId();

  const toggle = (kind: keyof Preferences['emailNotifications'], on: boolean) =>
    setPrefs((p) => ({ ...p, emailNotifications: { ...p.emailNotifications, [kind]: on } }));

  const save = (e: FormEvent) => {
    e.preventDefault();
    setSaved('');
    return run(async () => {
      setPrefs(await must(api.users.PUT('/users/me/preferences', { body: prefs })));
      setSaved('Your preferences are saved.');
    });
  };

  return (
    <form onSubmit={save} aria-labelledby="prefs-heading">
      <h2 id="prefs-heading">Preferences</h2>
      <div className="field">
        <label htmlFor={languageId}>Language</label>
        <select
          id={languageId}
          value={prefs.language}
          onChange={(e) => setPrefs((p) => ({ ...p, language: e.target.value as Preferences['language'] }))}
        >
          {Object.entries(LANGUAGES).map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <fieldset>
        <legend>Emails I want</legend>
        {(Object.keys(EMAILS) as (keyof typeof EMAILS)[]).map((kind) => (
          <label key={kind} className="check">
            <input type="checkbox" checked={prefs.emailNotifications[kind]} onChange={(e) => toggle(kind, e.target.checked)} />{' '}
            {EMAILS[kind]}
          </label>
        ))}
      </fieldset>
      <button type="submit">Save preferences</button>
      <ProblemMessage problem={problem} />
      <p aria-live="polite" className="notice">
        {saved}
      </p>
    </form>
  );
}
