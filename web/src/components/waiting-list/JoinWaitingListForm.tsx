// Joining the waiting list: how many seats (together, in one section) and, if it matters, which section.
import { useId, useState, type FormEvent } from 'react';
import { Field } from '../common/Field.tsx';
import { ProblemMessage } from '../common/ProblemMessage.tsx';
import { useAction } from '../common/use-action.ts';
import { joinWaitingList, type WaitingListEntry } from './waiting-list-api.ts';

export interface ListSection {
  sectionId: string;
  name: string;
}

interface JoinWaitingListFormProps {
  eventId: string;
  sections: ListSection[];
  /** The most seats one customer may ask for. */
  maxSeats: number;
  onJoined: (entry: WaitingListEntry) => void;
}

export function JoinWaitingListForm({ eventId, sections, maxSeats, onJoined }: JoinWaitingListFormProps) {
  const action = useAction();
  const [seats, setSeats] = useState(Math.min(2, maxSeats));
  const [sectionId, setSectionId] = useState('');
  const sectionField = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => onJoined(await joinWaitingList(eventId, { seats, ...(sectionId ? { sectionId } : {}) })));
  };
  return (
    <form className="waiting-list-join" onSubmit={submit} aria-label="Join the waiting list">
      <Field
        label="Seats"
        field="seats"
        problem={action.problem}
        type="number"
        min={1}
        max={maxSeats}
        value={seats}
        hint={`Seats together, in one section: up to ${maxSeats}.`}
        onChange={(e) => setSeats(Math.min(maxSeats, Math.max(1, Number(e.target.value) || 1)))}
      />
      {sections.length > 1 && (
        <div className="field">
          <label htmlFor={sectionField}>Section</label>
          <select id={sectionField} value={sectionId} onChange={(e) => setSectionId(e.target.value)}>
            <option value="">Any section</option>
            {sections.map((s) => (
              <option key={s.sectionId} value={s.sectionId}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <ProblemMessage problem={action.problem} />
      <button type="submit" disabled={action.busy}>
        {action.busy ? 'Joining…' : 'Join the waiting list'}
      </button>
    </form>
  );
}
