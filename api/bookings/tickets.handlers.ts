// The ticket routes' handlers: read from the bookings service's own tickets and its event catalog.
import { principalOf } from '../../common/auth/middleware.ts';
import { isFromGateway } from '../../common/http/client-address.ts';
import { HttpProblem } from '../../common/http/problem.ts';
import { gatewaySecret } from '../../common/secrets.ts';
import {
  bookingReference,
  bookingTicketsPdf,
  customerTicketsPdf,
  findTicket,
  myTickets,
  renameHolder,
  ticketView,
  ticketsOfBooking,
} from '../../domain/bookings/tickets.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';
import type { TicketHandlers } from './tickets.routes.ts';

/** A PDF download: never cached by a shared cache (it carries the barcodes), saved under the booking's reference. */
function pdfHeaders(bookingId: string): Record<string, string> {
  return {
    'content-type': 'application/pdf',
    'content-disposition': `attachment; filename="eventix-${bookingReference(bookingId)}.pdf"`,
    'cache-control': 'private, no-store',
  };
}

export function ticketHandlers(deps: Pick<BookingsRouteDeps, 'orm' | 'config'>): TicketHandlers {
  const em = () => deps.orm.em.fork();
  let secret: Promise<string> | undefined;
  return {
    platformOnly: async (c, next) => {
      if (!isFromGateway(c, await (secret ??= gatewaySecret(deps.config)))) {
        throw new HttpProblem(403, 'FORBIDDEN', 'Only platform processes may ask for this.');
      }
      await next();
    },
    bookingTickets: async (c) => {
      const items = await ticketsOfBooking(em(), c.req.valid('param').id, principalOf(c));
      return c.json({ items }, 200);
    },
    bookingTicketsPdf: async (c) => {
      const { id } = c.req.valid('param');
      const pdf = await bookingTicketsPdf(em(), id, principalOf(c));
      return c.body(new Uint8Array(pdf), 200, pdfHeaders(id));
    },
    myTickets: async (c) => c.json(await myTickets(em(), principalOf(c), c.req.valid('query')), 200),
    ticket: async (c) => {
      const viewer = principalOf(c);
      const db = em();
      return c.json(await ticketView(db, await findTicket(db, c.req.valid('param').id, viewer), viewer), 200);
    },
    renameTicket: async (c) => {
      const { holderName } = c.req.valid('json');
      return c.json(await renameHolder(em(), c.req.valid('param').id, principalOf(c), holderName), 200);
    },
    internalTicketsPdf: async (c) => {
      const { id } = c.req.valid('param');
      return c.body(new Uint8Array(await customerTicketsPdf(em(), id)), 200, pdfHeaders(id));
    },
  };
}
