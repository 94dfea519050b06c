// The waiting lists' length as a gauge, read from the table at each scrape: any bookings process answers the same
// figure (whichever ran an event's last pass), so a dashboard takes the max over replicas.
import client from 'prom-client';
import type { Orm } from '../../common/db/orm.ts';

const LENGTH_GAUGE = 'eventix_waiting_list_length';

/** Registers the gauge once per registry: entries still to serve (waiting, or holding an offer), per event. */
export function waitingListLengthGauge(orm: Orm, registry: client.Registry): void {
  if (registry.getSingleMetric(LENGTH_GAUGE)) return;
  new client.Gauge({
    name: LENGTH_GAUGE,
    help: 'Entries on an event’s waiting list still to serve (waiting, or holding an offer)',
    labelNames: ['event'],
    registers: [registry],
    async collect() {
      const rows = await orm.em
        .fork()
        .execute<{ event_id: string; n: number }[]>(
          `select event_id, count(*)::int as n from waiting_list_entry where state in ('waiting', 'offered') group by event_id`,
        );
      // An event whose list emptied leaves the gauge rather than staying at its last figure.
      this.reset();
      for (const row of rows) this.set({ event: row.event_id }, row.n);
    },
  });
}
