// One section being drawn: its name, its rows, and which of its seats are accessible or blocked.
import type { Problem } from '../../../api/problems.ts';
import { exactError } from '../../../components/admin/exact-error.ts';
import { Field } from '../../../components/common/Field.tsx';
import { RowFields } from './RowFields.tsx';
import { newRow, type RowDraft, type SectionDraft } from './venue-draft.ts';

interface SectionFieldsProps {
  section: SectionDraft;
  index: number;
  problem: Problem | undefined;
  onChange: (section: SectionDraft) => void;
  onRemove: (() => void) | undefined;
}

export function SectionFields({ section, index, problem, onChange, onRemove }: SectionFieldsProps) {
  const at = `sections.${index}`;
  const rowsError = exactError(problem, `${at}.rows`);
  const setRow = (r: number, row: RowDraft) => onChange({ ...section, rows: section.rows.map((old, i) => (i === r ? row : old)) });
  const removeRow = (r: number) => onChange({ ...section, rows: section.rows.filter((_, i) => i !== r) });
  return (
    <fieldset className="section-fields">
      <legend>Section {index + 1}</legend>
      <Field
        label="Section name"
        field={`${at}.name`}
        problem={problem}
        value={section.name}
        onChange={(e) => onChange({ ...section, name: e.target.value })}
      />
      <div className="rows">
        {section.rows.map((row, r) => (
          <RowFields
            key={row.key}
            row={row}
            at={`${at}.rows.${r}`}
            index={r}
            problem={problem}
            onChange={(changed) => setRow(r, changed)}
            onRemove={section.rows.length > 1 ? () => removeRow(r) : undefined}
          />
        ))}
      </div>
      {rowsError && <p className="field-error">{rowsError}</p>}
      <button type="button" className="secondary" onClick={() => onChange({ ...section, rows: [...section.rows, newRow(section.rows)] })}>
        Add a row to section {index + 1}
      </button>
      <Field
        label="Accessible seats"
        field={`${at}.accessible`}
        problem={problem}
        hint="Seat labels, row-number, separated by commas: A-1, A-2"
        value={section.accessible}
        onChange={(e) => onChange({ ...section, accessible: e.target.value })}
      />
      <Field
        label="Blocked seats"
        field={`${at}.blocked`}
        problem={problem}
        hint="Seats never sold (a pillar, the mixing desk): B-7, B-8"
        value={section.blocked}
        onChange={(e) => onChange({ ...section, blocked: e.target.value })}
      />
      {onRemove && (
        <button type="button" className="secondary" onClick={onRemove}>
          Remove section {index + 1}
        </button>
      )}
    </fieldset>
  );
}
