// The fields of an event: title, description, its times on the venue's clock (the zone named on each), the sales
// window and what customers may cancel.
import { useId } from 'react';
import { fieldError, type Problem } from '../../../api/problems.ts';
import { Field } from '../../../components/common/Field.tsx';
import type { EventDraft } from './event-draft.ts';

interface EventDetailsFieldsProps {
  draft: EventDraft;
  onChange: (draft: EventDraft) => void;
  timeZone: string;
  problem: Problem | undefined;
}

function DescriptionField({ value, onChange, problem }: { value: string; onChange: (v: string) => void; problem: Problem | undefined }) {
  const id = useId();
  const error = fieldError(problem, 'description');
  return (
    <div className="field">
      <label htmlFor={id}>Description</label>
      <textarea
        id={id}
        rows={4}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}

function CancellationPolicyFields({ draft, onChange, problem }: Omit<EventDetailsFieldsProps, 'timeZone'>) {
  const feeId = useId();
  return (
    <fieldset>
      <legend>Customer cancellations</legend>
      <div className="checkbox">
        <input
          id={`${feeId}-may`}
          type="checkbox"
          checked={draft.customersMayCancel}
          onChange={(e) => onChange({ ...draft, customersMayCancel: e.target.checked })}
        />
        <label htmlFor={`${feeId}-may`}>Customers may cancel their bookings</label>
      </div>
      <Field
        label="Until how many hours before the start"
        field="cancellationPolicy.deadlineHoursBeforeStart"
        problem={problem}
        inputMode="numeric"
        hint="0: until the start"
        value={draft.deadlineHoursBeforeStart}
        onChange={(e) => onChange({ ...draft, deadlineHoursBeforeStart: e.target.value })}
      />
      <div className="field">
        <label htmlFor={feeId}>Cancellation fee</label>
        <select id={feeId} value={draft.feeKind} onChange={(e) => onChange({ ...draft, feeKind: e.target.value as EventDraft['feeKind'] })}>
          <option value="none">None: the whole price is refunded</option>
          <option value="fixed">A fixed amount (in cents)</option>
          <option value="percent">A percentage of the price</option>
        </select>
      </div>
      {draft.feeKind !== 'none' && (
        <Field
          label={draft.feeKind === 'fixed' ? 'Fee in cents' : 'Fee in percent'}
          field="cancellationPolicy.feeValue"
          problem={problem}
          inputMode="numeric"
          value={draft.feeValue}
          onChange={(e) => onChange({ ...draft, feeValue: e.target.value })}
        />
      )}
    </fieldset>
  );
}

export function EventDetailsFields({ draft, onChange, timeZone, problem }: EventDetailsFieldsProps) {
  const zoned = (label: string) => `${label} (${timeZone})`;
  const hint = `On the venue’s clock: ${timeZone}`;
  const time = (key: 'startsAt' | 'endsAt' | 'salesOpenAt' | 'salesCloseAt', label: string, extra?: string) => (
    <Field
      label={zoned(label)}
      field={key}
      problem={problem}
      type="datetime-local"
      hint={extra ? `${hint}. ${extra}` : hint}
      value={draft[key]}
      onChange={(e) => onChange({ ...draft, [key]: e.target.value })}
    />
  );
  return (
    <>
      <Field
        label="Title"
        field="title"
        problem={problem}
        value={draft.title}
        onChange={(e) => onChange({ ...draft, title: e.target.value })}
      />
      <DescriptionField value={draft.description} problem={problem} onChange={(description) => onChange({ ...draft, description })} />
      <fieldset>
        <legend>When</legend>
        {time('startsAt', 'Starts')}
        {time('endsAt', 'Ends', 'Optional')}
      </fieldset>
      <fieldset>
        <legend>Sales window</legend>
        {time('salesOpenAt', 'Sales open', 'Empty: as soon as it is published')}
        {time('salesCloseAt', 'Sales close', 'Empty: when the event starts')}
      </fieldset>
      <CancellationPolicyFields draft={draft} onChange={onChange} problem={problem} />
    </>
  );
}
