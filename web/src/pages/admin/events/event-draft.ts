// The event being edited, as the form holds it (times on the venue's clock, numbers as typed), and how it becomes
// the API's body.
import type { components } from '../../../api/events.gen.ts';
import { isoToZoned, zonedToIso } from '../../../components/admin/zoned-time.ts';

type Event = components['schemas']['Event'];
type EventChange = components['schemas']['EventChange'];
type FeeKind = components['schemas']['CancellationPolicy']['feeKind'];

export interface EventDraft {
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  salesOpenAt: string;
  salesCloseAt: string;
  customersMayCancel: boolean;
  deadlineHoursBeforeStart: string;
  feeKind: FeeKind;
  feeValue: string;
}

export function emptyEvent(): EventDraft {
  return {
    title: '',
    description: '',
    startsAt: '',
    endsAt: '',
    salesOpenAt: '',
    salesCloseAt: '',
    customersMayCancel: true,
    deadlineHoursBeforeStart: '0',
    feeKind: 'none',
    feeValue: '0',
  };
}

export function draftOfEvent(event: Event): EventDraft {
  const tz = event.timeZone;
  return {
    title: event.title,
    description: event.description,
    startsAt: isoToZoned(event.startsAt, tz),
    endsAt: isoToZoned(event.endsAt, tz),
    salesOpenAt: isoToZoned(event.salesOpenAt, tz),
    salesCloseAt: isoToZoned(event.salesCloseAt, tz),
    customersMayCancel: event.cancellationPolicy.customersMayCancel,
    deadlineHoursBeforeStart: String(event.cancellationPolicy.deadlineHoursBeforeStart),
    feeKind: event.cancellationPolicy.feeKind,
    feeValue: String(event.cancellationPolicy.feeValue),
  };
}

/** A whole number as typed; other text is sent as -1, which the API refuses naming the field. */
const whole = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : -1);

/** The draft as the API's body; an empty optional time clears it, an unreadable start is sent so the API names it. */
export function eventBody(draft: EventDraft, timeZone: string): EventChange & { title: string; startsAt: string } {
  const at = (local: string) => zonedToIso(local, timeZone) ?? null;
  return {
    title: draft.title,
    description: draft.description,
    startsAt: zonedToIso(draft.startsAt, timeZone) ?? draft.startsAt,
    endsAt: at(draft.endsAt),
    salesOpenAt: at(draft.salesOpenAt),
    salesCloseAt: at(draft.salesCloseAt),
    cancellationPolicy: {
      customersMayCancel: draft.customersMayCancel,
      deadlineHoursBeforeStart: whole(draft.deadlineHoursBeforeStart),
      feeKind: draft.feeKind,
      feeValue: draft.feeKind === 'none' ? 0 : whole(draft.feeValue),
    },
  };
}
