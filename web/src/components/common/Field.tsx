// A labelled input whose API field error (if any) is shown under it and tied to it for screen readers.
import { useId, type InputHTMLAttributes } from 'react';
import { fieldError, type Problem } from '../../api/problems.ts';

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  /** The API's name for the field, to find its error in a problem. */
  field: string;
  problem?: Problem | undefined;
  hint?: string;
}

export function Field({ label, field, problem, hint, ...input }: FieldProps) {
  const id = useId();
  const error = fieldError(problem, field);
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={field} aria-invalid={error ? true : undefined} aria-describedby={described} {...input} />
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}
