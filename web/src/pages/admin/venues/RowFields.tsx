// One row of a section being drawn: its label and its seats (a count or seat numbers).
import type { Problem } from '../../../api/problems.ts';
import { Field } from '../../../components/common/Field.tsx';
import type { RowDraft } from './venue-draft.ts';

interface RowFieldsProps {
  row: RowDraft;
  /** The API path of this row, e.g. `sections.0.rows.1`. */
  at: string;
  index: number;
  problem: Problem | undefined;
  onChange: (row: RowDraft) => void;
  onRemove: (() => void) | undefined;
}

export function RowFields({ row, at, index, problem, onChange, onRemove }: RowFieldsProps) {
  return (
    <fieldset className="row-fields">
      <legend>Row {index + 1}</legend>
      <Field
        label="Row label"
        field={`${at}.label`}
        problem={problem}
        value={row.label}
        onChange={(e) => onChange({ ...row, label: e.target.value })}
      />
      <Field
        label="Seats"
        field={`${at}.seats`}
        problem={problem}
        hint="A count (30) or seat numbers (1-12, 15)"
        inputMode="numeric"
        value={row.seats}
        onChange={(e) => onChange({ ...row, seats: e.target.value })}
      />
      {onRemove && (
        <button type="button" className="secondary" onClick={onRemove}>
          Remove row {index + 1}
        </button>
      )}
    </fieldset>
  );
}
