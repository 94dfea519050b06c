// Seat changes from every instance of the events service: one LISTEN connection per process, fanned out per event.
// Changes to an event itself (its details, prices, publication) travel on the same channel, marked `details`.
import pg from 'pg';
import type { Logger } from '../../common/logger.ts';
import { SEAT_CHANGES_CHANNEL, type SeatChange } from './seats.ts';

/** `resync`: changes may have been missed, read the event again; `details`: the event itself changed. */
export type FeedChange = SeatChange & { resync?: boolean; details?: boolean };
export type SeatChangeListener = (change: FeedChange) => void;

/**
 * A LISTEN connection only receives, so a connection that died without a word (a dropped route, a frozen peer) would
 * look live for ever: every so often it is asked a trivial query, and one that fails or takes too long ends it.
 */
const HEARTBEAT_MS = 10_000;
const HEARTBEAT_TIMEOUT_MS = 3_000;
/** TCP keep-alive probes start after this much silence, so the kernel notices a vanished peer too. */
const KEEP_ALIVE_DELAY_MS = 10_000;

export class SeatFeed {
  readonly #databaseUrl: string;
  readonly #logger: Logger;
  readonly #listeners = new Map<string, Set<SeatChangeListener>>();
  #client: pg.Client | undefined;
  #closed = false;
  #live = false;
  #retry: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;

  private constructor(databaseUrl: string, logger: Logger) {
    this.#databaseUrl = databaseUrl;
    this.#logger = logger;
  }

  static async open(databaseUrl: string, logger: Logger): Promise<SeatFeed> {
    const feed = new SeatFeed(databaseUrl, logger);
    await feed.#connect(false);
    return feed;
  }

  /** Whether changes are being heard now; while not, some may be missed (a resync follows the reconnect). */
  get live(): boolean {
    return this.#live && !this.#closed;
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
    clearInterval(this.#heartbeat);
    await this.#client?.end().catch(() => undefined);
  }

  /** `resync`: a reconnect, after which every subscribed event is told to reload before the feed reads as live. */
  async #connect(resync: boolean): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#databaseUrl,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEP_ALIVE_DELAY_MS,
    });
    client.on('notification', (message) => this.#dispatch(message.payload));
    client.on('error', (err) => this.#logger.warn({ err }, 'seat change feed connection error'));
    client.on('end', () => this.#lost(client, 'seat change feed disconnected; reconnecting'));
    try {
      await client.connect();
      await client.query(`listen ${SEAT_CHANGES_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    // Closed while connecting: the connection is not kept.
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    // Changes made while disconnected were missed: every event followed reloads, and until it has, its readers wait.
    if (resync) for (const eventId of this.#listeners.keys()) this.#dispatch(JSON.stringify({ eventId, seats: [], resync: true }));
    this.#live = true;
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => void this.#beat(client), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /** The connection in use is gone (ended, or silent): stop trusting it and connect again; once per connection. */
  #lost(client: pg.Client, message: string, err?: unknown): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = undefined;
    this.#live = false;
    clearInterval(this.#heartbeat);
    this.#logger.warn(err === undefined ? {} : { err }, message);
    // Ending a connection with a query in flight destroys its socket, so a silent peer cannot keep it open.
    void client.end().catch(() => undefined);
    this.#reconnect(1);
  }

  async #beat(client: pg.Client): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${HEARTBEAT_TIMEOUT_MS} ms`)), HEARTBEAT_TIMEOUT_MS);
      timer.unref();
    });
    try {
      await Promise.race([client.query('select 1'), timeout]);
    } catch (err) {
      this.#lost(client, 'seat change feed heartbeat failed; reconnecting', err);
    } finally {
      clearTimeout(timer);
    }
  }

  #reconnect(attempt: number): void {
    this.#retry = setTimeout(
      () => {
        this.#connect(true).then(
          () => this.#logger.info('seat change feed reconnected'),
          () => !this.#closed && this.#reconnect(attempt + 1),
        );
      },
      Math.min(5_000, 100 * 2 ** attempt),
    );
  }

  #dispatch(payload: string | undefined): void {
    if (!payload) return;
    let change: FeedChange;
    try {
      change = JSON.parse(payload) as FeedChange;
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
