// The sales route's handler: the figures from the domain, each booking's saga reachable in the Temporal Web UI.
import { eventSales } from '../../domain/bookings/sales.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';
import type { SalesHandlers } from './sales.routes.ts';

export function salesHandlers(deps: Pick<BookingsRouteDeps, 'orm' | 'config'>): SalesHandlers {
  const { uiUrl, namespace } = deps.config.temporal;
  const workflowUiUrl = `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/`;
  return {
    sales: async (c) => {
      const sales = await eventSales(deps.orm.em.fork(), c.req.valid('param').id, c.req.valid('query').bucket);
      const series = sales.series.map((p) => ({ ...p, start: p.start.toISOString() }));
      return c.json({ ...sales, series, workflowUiUrl }, 200);
    },
  };
}
