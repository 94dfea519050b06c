// The ticket transfer routes' handlers: thin adapters over the transfers domain, each on its own unit of work.
import { principalOf } from '../../common/auth/middleware.ts';
import {
  acceptTransfer,
  cancelTransfer,
  declineTransfer,
  myTransfers,
  offerTransfer,
  ticketTransfers,
} from '../../domain/bookings/transfers.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';
import type { TransferHandlers } from './transfers.routes.ts';

export function transferHandlers(deps: Pick<BookingsRouteDeps, 'orm'>): TransferHandlers {
  const em = () => deps.orm.em.fork();
  return {
    offer: async (c) => c.json(await offerTransfer(em(), principalOf(c), c.req.valid('param').id, c.req.valid('json').email), 201),
    mine: async (c) => c.json(await myTransfers(em(), principalOf(c), c.req.valid('query')), 200),
    accept: async (c) => c.json(await acceptTransfer(em(), principalOf(c), c.req.valid('param').id), 200),
    decline: async (c) => c.json(await declineTransfer(em(), principalOf(c), c.req.valid('param').id), 200),
    cancel: async (c) => c.json(await cancelTransfer(em(), principalOf(c), c.req.valid('param').id), 200),
    history: async (c) => c.json({ items: await ticketTransfers(em(), principalOf(c), c.req.valid('param').id) }, 200),
  };
}
