// A saved venue's details (name, city, address, time zone): the only part the API lets change, as events are sold
// on its seat layout.
import { useState, type FormEvent } from 'react';
import { api } from '../../../api/client.ts';
import { must } from '../../../api/problems.ts';
import type { Venue } from '../../../components/admin/known-venues.ts';
import { TimeZoneField } from '../../../components/admin/TimeZoneField.tsx';
import { Field } from '../../../components/common/Field.tsx';
import { ProblemMessage } from '../../../components/common/ProblemMessage.tsx';
import { useAction } from '../../../components/common/use-action.ts';

export function VenueDetailsForm({ venue, onSaved }: { venue: Venue; onSaved: (venue: Venue) => void }) {
  const [details, setDetails] = useState({
    name: venue.name,
    city: venue.city ?? '',
    address: venue.address ?? '',
    timeZone: venue.timeZone,
  });
  const { run, problem } = useAction();
  const [saved, setSaved] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    return run(async () => {
      const body = {
        name: details.name,
        city: details.city.trim() || null,
        address: details.address.trim() || null,
        timeZone: details.timeZone,
      };
      onSaved(await must(api.events.PATCH('/venues/{id}', { params: { path: { id: venue.id } }, body })));
      setSaved(true);
    });
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="Venue details">
      <Field
        label="Name"
        field="name"
        problem={problem}
        value={details.name}
        onChange={(e) => setDetails({ ...details, name: e.target.value })}
      />
      <Field
        label="City"
        field="city"
        problem={problem}
        value={details.city}
        onChange={(e) => setDetails({ ...details, city: e.target.value })}
      />
      <Field
        label="Address"
        field="address"
        problem={problem}
        value={details.address}
        onChange={(e) => setDetails({ ...details, address: e.target.value })}
      />
      <TimeZoneField value={details.timeZone} problem={problem} onChange={(timeZone) => setDetails({ ...details, timeZone })} />
      <ProblemMessage problem={problem} />
      <p role="status">{saved ? 'The venue’s details are saved. Published events there show them.' : ''}</p>
      <button type="submit">Save details</button>
    </form>
  );
}
