// The price of each section of a draft (`PUT /events/{id}/prices`), typed in the currency's main unit and sent in
// minor units. Once published, the prices are shown and no longer change.
import { useState, type FormEvent } from 'react';
import { api } from '../../../api/client.ts';
import type { components } from '../../../api/events.gen.ts';
import { must } from '../../../api/problems.ts';
import type { Venue } from '../../../components/admin/known-venues.ts';
import { Field } from '../../../components/common/Field.tsx';
import { money } from '../../../components/common/format.ts';
import { ProblemMessage } from '../../../components/common/ProblemMessage.tsx';
import { useAction } from '../../../components/common/use-action.ts';

type Event = components['schemas']['Event'];

/** How many minor units make the main unit (100 for EUR, 1 for JPY); 2 digits for a code Intl does not know. */
function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "45", "45.50" or "45,5" in minor units; undefined for anything else. */
export function minorUnits(text: string, currency: string): number | undefined {
  const digits = fractionDigits(currency);
  const m = /^\s*(\d+)(?:[.,](\d+))?\s*$/.exec(text);
  if (!m || (m[2]?.length ?? 0) > digits) return undefined;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0') || 0);
}

const majorUnits = (minor: number, currency: string) => (minor / 10 ** fractionDigits(currency)).toFixed(fractionDigits(currency));

function PriceList({ event }: { event: Event }) {
  if (event.prices.length === 0) return <p>No prices were set.</p>;
  return (
    <table className="prices">
      <caption className="visually-hidden">Prices</caption>
      <thead>
        <tr>
          <th scope="col">Section</th>
          <th scope="col">Price</th>
        </tr>
      </thead>
      <tbody>
        {event.prices.map((tier) => (
          <tr key={tier.sectionId}>
            <td>{tier.name}</td>
            <td>{money(tier.priceMinor, tier.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PricesForm({ event, venue, onSaved }: { event: Event; venue: Venue; onSaved: (event: Event) => void }) {
  const sections = venue.sections.filter((s) => s.seats.length > 0);
  const [currency, setCurrency] = useState(event.prices[0]?.currency ?? 'EUR');
  const [prices, setPrices] = useState<Record<string, string>>(() =>
    Object.fromEntries(event.prices.map((t) => [t.sectionId, majorUnits(t.priceMinor, t.currency)])),
  );
  const { run, fail, problem } = useAction();
  const [saved, setSaved] = useState(false);

  if (event.status !== 'draft') {
    return (
      <>
        <PriceList event={event} />
        <p className="hint">Prices are fixed once the event is published.</p>
      </>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const tiers = sections.map((s) => ({ sectionId: s.id, name: s.name, priceMinor: minorUnits(prices[s.id] ?? '', currency) }));
    const unreadable = tiers.flatMap((t, i) =>
      t.priceMinor === undefined ? [{ field: `tiers.${i}.priceMinor`, message: 'type a price such as 45.00' }] : [],
    );
    if (unreadable.length) return fail({ status: 0, code: 'VALIDATION_FAILED', errors: unreadable });
    return run(async () => {
      const body = { currency, tiers: tiers.map((t) => ({ ...t, priceMinor: t.priceMinor ?? 0 })) };
      onSaved(await must(api.events.PUT('/events/{id}/prices', { params: { path: { id: event.id } }, body })));
      setSaved(true);
    });
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="Prices">
      <Field
        label="Currency"
        field="currency"
        problem={problem}
        hint="ISO 4217 code, e.g. EUR"
        maxLength={3}
        value={currency}
        onChange={(e) => setCurrency(e.target.value.toUpperCase())}
      />
      {sections.map((section, i) => (
        <Field
          key={section.id}
          label={`Price for ${section.name}`}
          field={`tiers.${i}.priceMinor`}
          problem={problem}
          inputMode="decimal"
          hint={`${section.seats.length} seats, price in ${currency || 'the currency'}`}
          value={prices[section.id] ?? ''}
          onChange={(e) => setPrices({ ...prices, [section.id]: e.target.value })}
        />
      ))}
      <ProblemMessage problem={problem} />
      <p role="status">{saved ? 'The prices are saved.' : ''}</p>
      <button type="submit">Save prices</button>
    </form>
  );
}
