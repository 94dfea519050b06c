// Which events an HTTP caller may see: drafts only by admins, seats only once the event is published.
import type { Context } from 'hono';
import { isAdmin } from '../../common/auth/middleware.ts';
import { HttpProblem } from '../../common/http/problem.ts';
import { getEvent, type EventsContext } from '../../domain/events/events.ts';

/** A published (or past) event; drafts exist only for admins. */
export function visibleEvent(ctx: EventsContext, c: Context, id: string) {
  return getEvent(ctx.orm.em.fork(), id, { admin: isAdmin(c) });
}

export async function publishedEvent(ctx: EventsContext, c: Context, id: string) {
  const event = await visibleEvent(ctx, c, id);
  if (event.status === 'draft') throw new HttpProblem(409, 'EVENT_NOT_PUBLISHED', 'Seats are for sale once the event is published.');
  return event;
}
