// The card choice and the pay button: the gateways the payments service offers, the test gateway's cards by name. A
// decline is said in words and the form stays, so another card can be tried before the hold runs out.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, idempotencyKey } from '../../api/client.ts';
import { mayHaveHappened, must, problemOf, type Problem } from '../../api/problems.ts';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';
import { TEST_CARDS } from './test-cards.ts';
import type { Booking } from './use-booking.ts';

type Gateway = { name: string; description: string };

async function pay(bookingId: string, gateway: string, paymentMethod: string | undefined, key: string): Promise<Booking> {
  return must(
    api.bookings.POST('/bookings/{id}/pay', {
      params: { path: { id: bookingId }, header: { 'idempotency-key': key } },
      body: paymentMethod ? { gateway, paymentMethod } : { gateway },
    }),
  );
}

function CardChoice({ card, onChange }: { card: string; onChange: (card: string) => void }) {
  return (
    <fieldset className="card-choice">
      <legend>Test card</legend>
      {TEST_CARDS.map((c) => (
        <label key={c.paymentMethod}>
          <input
            type="radio"
            name="card"
            value={c.paymentMethod}
            checked={card === c.paymentMethod}
            onChange={() => onChange(c.paymentMethod)}
          />
          {c.name}
        </label>
      ))}
    </fieldset>
  );
}

export function PaymentForm({ booking, onPaid }: { booking: Booking; onPaid: (booking: Booking) => void }) {
  const [gateways, setGateways] = useState<Gateway[]>();
  const [gateway, setGateway] = useState('');
  const [card, setCard] = useState<string>(TEST_CARDS[0].paymentMethod);
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const free = booking.amountMinor === 0;
  // One key per payment attempt (this card on this gateway): trying again after no answer or a 5xx joins the attempt,
  // which may have charged; a decline (4xx) or another card makes the next try a new attempt.
  const attempt = useRef<{ choice: string; key: string }>(undefined);

  useEffect(() => {
    if (free) return;
    must(api.payments.GET('/payments/gateways')).then(
      ({ items }) => (setGateways(items), setGateway(items[0]?.name ?? '')),
      (err: unknown) => setProblem(problemOf(err)),
    );
  }, [free]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    const method = free || gateway !== 'test' ? undefined : card;
    const choice = `${free ? 'free' : gateway}:${method ?? ''}`;
    if (attempt.current?.choice !== choice) attempt.current = { choice, key: idempotencyKey() };
    try {
      onPaid(await pay(booking.id, free ? 'free' : gateway, method, attempt.current.key));
    } catch (err) {
      const refused = problemOf(err);
      if (!mayHaveHappened(refused)) attempt.current = undefined;
      setProblem(refused);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="payment-form" onSubmit={(e) => void submit(e)} aria-labelledby="pay-heading">
      <h2 id="pay-heading">Payment</h2>
      {!free && gateways && gateways.length > 1 && (
        <div className="field">
          <label htmlFor="gateway">Pay with</label>
          <select id="gateway" value={gateway} onChange={(e) => setGateway(e.target.value)}>
            {gateways.map((g) => (
              <option key={g.name} value={g.name}>
                {g.description || g.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {!free && gateway === 'test' && <CardChoice card={card} onChange={setCard} />}
      <ProblemMessage problem={problem} />
      <button type="submit" disabled={busy || (!free && !gateway)}>
        {busy ? 'Paying…' : free ? 'Confirm free booking' : 'Pay now'}
      </button>
    </form>
  );
}
