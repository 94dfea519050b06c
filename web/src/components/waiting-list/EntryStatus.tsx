// The customer's waiting-list entry in words: the place while waiting, the offer with its link to pay, and the ends.
import { onDeviceClock } from '../../api/clock.ts';
import { Link } from '../../app/router.tsx';
import type { ListSection } from './JoinWaitingListForm.tsx';
import type { WaitingListEntry } from './waiting-list-api.ts';

/** A server instant as a time on the customer's own clock: "14:32". */
function timeOf(serverInstant: string): string {
  return onDeviceClock(serverInstant).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

function wanted(entry: WaitingListEntry, sections: ListSection[]): string {
  const section = sections.find((s) => s.sectionId === entry.sectionId)?.name;
  const seats = entry.seats === 1 ? '1 seat' : `${entry.seats} seats together`;
  return `${seats} in ${section ?? 'any section'}`;
}

function Offer({ offer }: { offer: NonNullable<WaitingListEntry['offer']> }) {
  if (!offer.expiresAt) return <p>Seats came back and are being held for you. This takes a moment.</p>;
  return (
    <p>
      <strong>Seats are held for you.</strong> Pay for them before {timeOf(offer.expiresAt)} to get them, or they go to the next person on
      the list. <Link href={`/checkout/${offer.bookingId}`}>Pay for the seats held for you</Link>
    </p>
  );
}

export function EntryStatus({ entry, sections }: { entry: WaitingListEntry; sections: ListSection[] }) {
  switch (entry.state) {
    case 'waiting':
      return (
        <>
          <p className="queue-position">
            Your place on the waiting list: <strong>{entry.position ?? '…'}</strong>
          </p>
          <p>
            You asked for {wanted(entry, sections)}. When seats come back, they are held for the people on the list in turn; you are told
            here, in the app and by email.
          </p>
        </>
      );
    case 'offered':
      return entry.offer ? <Offer offer={entry.offer} /> : null;
    case 'accepted':
      return (
        <p>
          <strong>You paid for the seats offered to you.</strong>{' '}
          {entry.offer && <Link href={`/account/bookings/${entry.offer.bookingId}`}>See the booking</Link>}
        </p>
      );
    case 'lapsed':
      return <p>The seats offered to you were not paid for in time, so they went to the next person on the list.</p>;
    case 'left':
      return <p>You left the waiting list.</p>;
  }
}
