// Drawing a new venue: its details and sections on the left, the seat map as it will be on the right, updated as
// you type. The API's field errors are shown next to the fields they name.
import { useState, type FormEvent } from 'react';
import { api } from '../../../api/client.ts';
import { must } from '../../../api/problems.ts';
import { navigate } from '../../../app/router.tsx';
import { exactError } from '../../../components/admin/exact-error.ts';
import { rememberVenue } from '../../../components/admin/known-venues.ts';
import { TimeZoneField } from '../../../components/admin/TimeZoneField.tsx';
import { useRetryKey } from '../../../components/admin/use-retry-key.ts';
import { VenueMapPreview } from '../../../components/admin/VenueMapPreview.tsx';
import { Field } from '../../../components/common/Field.tsx';
import { ProblemMessage } from '../../../components/common/ProblemMessage.tsx';
import { useAction } from '../../../components/common/use-action.ts';
import { SectionFields } from './SectionFields.tsx';
import { emptyVenue, newSection, previewOfDraft, venueInput, type SectionDraft, type VenueDraft } from './venue-draft.ts';

export function VenueNewPage() {
  const [draft, setDraft] = useState<VenueDraft>(emptyVenue);
  const { run, fail, busy: saving, problem } = useAction();
  const retryKey = useRetryKey();

  const setSection = (s: number, section: SectionDraft) =>
    setDraft({ ...draft, sections: draft.sections.map((old, i) => (i === s ? section : old)) });
  const removeSection = (s: number) => setDraft({ ...draft, sections: draft.sections.filter((_, i) => i !== s) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input = venueInput(draft);
    if ('problem' in input) return fail(input.problem);
    return run(async () => {
      const venue = await must(
        api.events.POST('/venues', { params: { header: { 'idempotency-key': retryKey(input.body) } }, body: input.body }),
      );
      rememberVenue(venue.id);
      navigate(`/admin/venues/${venue.id}?created=1`);
    });
  };

  return (
    <section>
      <h1>New venue</h1>
      <div className="venue-editor">
        <form onSubmit={(e) => void submit(e)} noValidate aria-label="Venue">
          <Field
            label="Name"
            field="name"
            problem={problem}
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
          />
          <Field
            label="City"
            field="city"
            problem={problem}
            value={draft.city}
            onChange={(e) => setDraft({ ...draft, city: e.target.value })}
          />
          <Field
            label="Address"
            field="address"
            problem={problem}
            value={draft.address}
            onChange={(e) => setDraft({ ...draft, address: e.target.value })}
          />
          <TimeZoneField value={draft.timeZone} problem={problem} onChange={(timeZone) => setDraft({ ...draft, timeZone })} />
          <h2>Sections</h2>
          <p className="hint">The seat layout is fixed once the venue is saved: events are priced and sold on it.</p>
          {draft.sections.map((section, s) => (
            <SectionFields
              key={section.key}
              section={section}
              index={s}
              problem={problem}
              onChange={(changed) => setSection(s, changed)}
              onRemove={draft.sections.length > 1 ? () => removeSection(s) : undefined}
            />
          ))}
          {exactError(problem, 'sections') && <p className="field-error">{exactError(problem, 'sections')}</p>}
          <p>
            <button
              type="button"
              className="secondary"
              onClick={() => setDraft({ ...draft, sections: [...draft.sections, newSection(draft.sections.length)] })}
            >
              Add a section
            </button>
          </p>
          <ProblemMessage problem={problem} />
          <button type="submit" disabled={saving}>
            {saving ? 'Saving the venue…' : 'Save venue'}
          </button>
        </form>
        <aside aria-label="Seat map preview" className="venue-editor-preview">
          <h2>Preview</h2>
          <VenueMapPreview sections={previewOfDraft(draft)} />
        </aside>
      </div>
    </section>
  );
}
