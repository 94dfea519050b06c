// The venue's time zone: a text field that suggests every IANA zone this browser knows as you type.
import { useId } from 'react';
import type { Problem } from '../../api/problems.ts';
import { Field } from '../common/Field.tsx';

/** Every IANA zone the browser knows; UTC first, as `supportedValuesOf` leaves it out in some engines. */
const ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];

interface TimeZoneFieldProps {
  value: string;
  onChange: (zone: string) => void;
  problem: Problem | undefined;
}

export function TimeZoneField({ value, onChange, problem }: TimeZoneFieldProps) {
  const listId = useId();
  return (
    <>
      <Field
        label="Time zone"
        field="timeZone"
        problem={problem}
        hint="Type to search, e.g. Berlin. The venue’s events are shown in this zone."
        list={listId}
        autoComplete="off"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <datalist id={listId}>
        {ZONES.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
    </>
  );
}
