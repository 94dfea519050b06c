// Development demo data: a 312-seat venue and three events on sale, so a newcomer can list events and book at once.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../common/logger.ts';
import { EventRecord, PriceTier } from '../../entities/events/event.entity.ts';
import { publishEvent, type EventsContext } from './events.ts';
import { createVenue, type SectionLayout } from './venues.ts';

const rows = (from: string, to: string, seats: number) =>
  Array.from({ length: to.charCodeAt(0) - from.charCodeAt(0) + 1 }, (_, i) => ({
    label: String.fromCharCode(from.charCodeAt(0) + i),
    seats,
  }));

export const DEMO_SECTIONS: SectionLayout[] = [
  { name: 'Orchestra', rows: rows('A', 'J', 15), accessible: ['A-1', 'A-2', 'A-14', 'A-15'], blocked: ['J-8'] },
  { name: 'Mezzanine', rows: rows('A', 'F', 15), accessible: ['A-1', 'A-15'], blocked: ['C-8', 'D-8'] },
  { name: 'Balcony', rows: rows('A', 'F', 12), blocked: ['F-12'] },
];

const DEMO_EVENTS = [
  { title: 'The Eventix Philharmonic: Beethoven 9', days: 30, prices: [8_500, 6_000, 3_500] },
  { title: 'Midnight Jazz Quartet', days: 45, prices: [5_500, 4_000, 2_500] },
  { title: 'Hamlet (new production)', days: 60, prices: [7_000, 5_000, 3_000] },
];

/** Loads the demo when the events database has no venue yet; answers whether it did. */
export async function loadDemoData(ctx: EventsContext, logger: Logger): Promise<boolean> {
  const drafts = await ctx.orm.em.fork().transactional(async (em) => {
    // Two instances starting together load it once.
    await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', ['events:demo-data']);
    const [{ venues }] = (await em.execute<{ venues: string }[]>('select count(*) as venues from venue')) as [{ venues: string }];
    if (Number(venues) > 0) return [];
    const { venue, sections } = await createVenue(em, {
      name: 'Eventix Arena',
      city: 'Amsterdam',
      address: 'Museumplein 1',
      timeZone: 'Europe/Amsterdam',
      sections: DEMO_SECTIONS,
    });
    const now = Date.now();
    const ids = [];
    for (const demo of DEMO_EVENTS) {
      const startsAt = new Date(now + demo.days * 86_400_000);
      const event = em.create(EventRecord, {
        id: randomUUID(),
        venueId: venue.id,
        title: demo.title,
        description: `${demo.title} at ${venue.name}. Demo data: book freely.`,
        status: 'draft',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3 * 3_600_000),
        salesOpenAt: new Date(now - 60_000),
        salesCloseAt: startsAt,
        publishedAt: null,
      });
      await em.flush(); // the event row first: its price tiers refer to it
      sections.forEach((section, i) =>
        em.create(PriceTier, {
          id: randomUUID(),
          eventId: event.id,
          sectionId: section.id,
          name: section.name,
          priceMinor: demo.prices[i]!,
          currency: 'EUR',
        }),
      );
      ids.push(event.id);
    }
    await em.flush();
    return ids;
  });
  for (const id of drafts) await publishEvent(ctx, id);
  if (drafts.length) logger.info({ events: drafts.length, seats: 312 }, 'demo venue and events loaded (DEMO_DATA=off to skip)');
  return drafts.length > 0;
}
