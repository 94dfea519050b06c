// Seat changes from every instance of the events service: one LISTEN connection per process, fanned out per event.
import pg from 'pg';
import type { Logger } from '../../common/logger.ts';
import { SEAT_CHANGES_CHANNEL, type SeatChange } from './seats.ts';

export type SeatChangeListener = (change: SeatChange & { resync?: boolean }) => void;

export class SeatFeed {
  readonly #databaseUrl: string;
  readonly #logger: Logger;
  readonly #listeners = new Map<string, Set<SeatChangeListener>>();
  #client: pg.Client | undefined;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;

  private constructor(databaseUrl: string, logger: Logger) {
    this.#databaseUrl = databaseUrl;
    this.#logger = logger;
  }

  static async open(databaseUrl: string, logger: Logger): Promise<SeatFeed> {
    const feed = new SeatFeed(databaseUrl, logger);
    await feed.#connect();
    return feed;
  }

  /** Calls `listener` with each change to the event's seats, whichever instance made it; answers the unsubscribe. */
  subscribe(eventId: string, listener: SeatChangeListener): () => void {
    let set = this.#listeners.get(eventId);
    if (!set) this.#listeners.set(eventId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(eventId);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.#client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#databaseUrl, keepAlive: true });
    client.on('notification', (message) => this.#dispatch(message.payload));
    client.on('error', (err) => this.#logger.warn({ err }, 'seat change feed connection error'));
    client.on('end', () => {
      if (this.#client !== client || this.#closed) return;
      this.#logger.warn('seat change feed disconnected; reconnecting');
      this.#reconnect(1);
    });
    await client.connect();
    await client.query(`listen ${SEAT_CHANGES_CHANNEL}`);
    this.#client = client;
  }

  #reconnect(attempt: number): void {
    this.#retry = setTimeout(
      () => {
        this.#connect().then(
          () => {
            this.#logger.info('seat change feed reconnected');
            // Changes made while disconnected were missed: every open stream reloads its snapshot.
            for (const eventId of this.#listeners.keys()) this.#dispatch(JSON.stringify({ eventId, seats: [], resync: true }));
          },
          () => !this.#closed && this.#reconnect(attempt + 1),
        );
      },
      Math.min(5_000, 100 * 2 ** attempt),
    );
  }

  #dispatch(payload: string | undefined): void {
    if (!payload) return;
    let change: SeatChange & { resync?: boolean };
    try {
      change = JSON.parse(payload) as SeatChange & { resync?: boolean };
    } catch {
      return;
    }
    for (const listener of this.#listeners.get(change.eventId) ?? []) {
      try {
        listener(change);
      } catch (err) {
        this.#logger.warn({ err }, 'seat change listener failed');
      }
    }
  }
}
