// The door's start (/door): the event to scan for, typed once or picked from the ones this device scanned lately.
import { useState, type FormEvent } from 'react';
import { Link, navigate } from '../../app/router.tsx';
import { Field } from '../../components/common/Field.tsx';
import { recentEvents } from '../../components/door/door-settings.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function DoorHomePage() {
  const [eventId, setEventId] = useState('');
  const [error, setError] = useState<string>();
  const recent = recentEvents();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const id = eventId.trim();
    if (!UUID.test(id)) return setError('An event id looks like 3f2a…-…: copy it from the event’s page or your briefing.');
    navigate(`/door/${id}`);
  };
  const problem = error ? { status: 422, code: 'VALIDATION_FAILED', errors: [{ field: 'eventId', message: error }] } : undefined;
  return (
    <section className="door-home">
      <h1>Door</h1>
      <form onSubmit={submit}>
        <Field label="Event id" field="eventId" problem={problem} value={eventId} onChange={(e) => setEventId(e.target.value)} required />
        <button type="submit">Open the door</button>
      </form>
      {recent.length > 0 && (
        <>
          <h2>Scanned here lately</h2>
          <ul>
            {recent.map((id) => (
              <li key={id}>
                <Link href={`/door/${id}`}>{id}</Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
