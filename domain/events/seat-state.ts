// Each event's details and seats held in memory: loaded once per event, kept current by the seat change feed, so
// readers refreshing the event, its seat map or its availability cost memory, not queries.
import type { Orm } from '../../common/db/orm.ts';
import type { CancellationPolicy, EventStatus } from '../../entities/events/event.entity.ts';
import type { FeedChange, SeatFeed } from './seat-feed.ts';
import type { MapSeat, SeatStatus, SectionAvailability } from './seats.ts';

/** The event as its row says, without the ORM. */
export interface EventDetails {
  id: string;
  venueId: string;
  title: string;
  description: string;
  status: EventStatus;
  startsAt: Date;
  endsAt: Date | null;
  salesOpenAt: Date | null;
  salesCloseAt: Date | null;
  publishedAt: Date | null;
  cancellationPolicy: CancellationPolicy;
}

/** Where the event takes place, as the seat map names it (a venue's change reloads its published events). */
export interface VenueDetails {
  id: string;
  name: string;
  city: string | null;
  address: string | null;
}

export interface TierDetails {
  sectionId: string;
  name: string;
  priceMinor: number;
  currency: string;
}

/** What listeners of the state hear once a change is applied: the seats it named, or that everything was reloaded. */
export interface AppliedChange {
  eventId: string;
  seats: { seatId: string; status: SeatStatus }[];
  resync?: boolean;
}

export type AppliedChangeListener = (change: AppliedChange) => void;

type SeatRow = [
  seatId: string,
  section: string,
  sectionId: string,
  row: string,
  number: number,
  accessible: boolean,
  priceMinor: number | null,
  currency: string | null,
  status: SeatStatus | null,
  expiresAtMs: number | null,
];

type EventJson = {
  id: string;
  venue_id: string;
  title: string;
  description: string;
  status: EventStatus;
  starts_at: string;
  ends_at: string | null;
  sales_open_at: string | null;
  sales_close_at: string | null;
  published_at: string | null;
  cancellation_policy: CancellationPolicy;
};

// The event, its venue, its tiers and every seat of its venue with its inventory row, in one round trip.
const LOAD = `select
  (select row_to_json(e) from (
     select id, venue_id, title, description, status, starts_at, ends_at, sales_open_at, sales_close_at, published_at,
            cancellation_policy
     from event where id = ?) e) as event,
  (select row_to_json(v) from (
     select v.id, v.name, v.city, v.address from event e join venue v on v.id = e.venue_id where e.id = ?) v) as venue,
  (select coalesce(json_agg(json_build_array(t.section_id, t.name, t.price_minor, trim(t.currency))
            order by t.section_id, t.name), '[]'::json)
     from price_tier t where t.event_id = ?) as tiers,
  (select coalesce(json_agg(json_build_array(s.id, sec.name, sec.id, s.row_label, s.number, s.accessible, inv.price_minor,
            trim(inv.currency), inv.status, (extract(epoch from inv.expires_at) * 1000)::float8)
            order by sec.position, s.row_position, s.number), '[]'::json)
     from event e
     join venue_seat s on s.venue_id = e.venue_id
     join venue_section sec on sec.id = s.section_id
     left join seat_inventory inv on inv.event_id = e.id and inv.seat_id = s.id
     where e.id = ?) as seats`;

const date = (value: string | null) => (value === null ? null : new Date(value));

/** One event in memory. Statuses are as FREE reads them: a hold past its expiry is available. */
export class EventSeats {
  readonly eventId: string;
  readonly event: EventDetails | undefined;
  readonly venue: VenueDetails | undefined;
  readonly tiers: TierDetails[];
  /** Every seat of the venue in map order (section, row, number); blocked seats have no inventory. */
  readonly seats: MapSeat[];
  readonly #expiresAt: Float64Array;
  readonly #index = new Map<string, number>();
  #version: number;
  #nextExpiry = Infinity;
  #memo = new Map<string, unknown>();

  constructor(
    eventId: string,
    event: EventDetails | undefined,
    venue: VenueDetails | undefined,
    tiers: TierDetails[],
    rows: SeatRow[],
    version: number,
  ) {
    this.eventId = eventId;
    this.event = event;
    this.venue = venue;
    this.tiers = tiers;
    this.#version = version;
    this.#expiresAt = new Float64Array(rows.length);
    this.seats = rows.map((r, i) => {
      this.#index.set(r[0], i);
      if (r[8] === 'held') this.#expiresAt[i] = r[9] ?? 0;
      return {
        seatId: r[0],
        label: `${r[1]} ${r[3]}-${r[4]}`,
        section: r[1],
        sectionId: r[2],
        row: r[3],
        number: r[4],
        accessible: r[5],
        priceMinor: r[6],
        currency: r[7],
        status: r[8] ?? 'blocked',
      };
    });
    this.#recomputeExpiry();
    this.sweep(Date.now());
  }

  /** Changes with every change to the seats or the event (expiries included). */
  get version(): number {
    return this.#version;
  }

  /** Holds that lapsed since the last look become available, as FREE reads them; no notification says so. */
  sweep(now: number): void {
    if (now < this.#nextExpiry) return;
    for (let i = 0; i < this.seats.length; i++) {
      const until = this.#expiresAt[i]!;
      if (until !== 0 && until <= now) {
        this.seats[i]!.status = 'available';
        this.#expiresAt[i] = 0;
      }
    }
    this.#recomputeExpiry();
    this.#changed();
  }

  /** A value derived from this version (a serialised answer, say), built once per version. */
  memo<T>(key: string, build: () => T): T {
    if (this.#memo.has(key)) return this.#memo.get(key) as T;
    const value = build();
    this.#memo.set(key, value);
    return value;
  }

  /** Seats per section and price tier, as the availability query counts them. */
  availability(): SectionAvailability[] {
    return this.memo('availability', () => {
      const bySection = new Map<string, SectionAvailability>();
      for (const seat of this.seats) {
        if (seat.status === 'blocked') continue;
        let counts = bySection.get(seat.sectionId);
        if (!counts) {
          const tier = this.tiers.find((t) => t.sectionId === seat.sectionId);
          counts = {
            sectionId: seat.sectionId,
            section: seat.section,
            tier: tier?.name ?? null,
            priceMinor: tier?.priceMinor ?? null,
            currency: tier?.currency ?? null,
            total: 0,
            available: 0,
            held: 0,
            sold: 0,
          };
          bySection.set(seat.sectionId, counts);
        }
        counts.total++;
        counts[seat.status]++;
      }
      return [...bySection.values()];
    });
  }

  /** Seats named here that this event does not sell (`unknown`), and those not free now (`taken`). */
  check(seatIds: string[]): { unknown: string[]; taken: string[] } {
    const unknown: string[] = [];
    const taken: string[] = [];
    for (const seatId of new Set(seatIds)) {
      const i = this.#index.get(seatId);
      const status = i === undefined ? 'blocked' : this.seats[i]!.status;
      if (status === 'blocked') unknown.push(seatId);
      else if (status !== 'available') taken.push(seatId);
    }
    return { unknown, taken };
  }

  freeInSection(sectionId: string): number {
    let free = 0;
    for (const seat of this.seats) if (seat.sectionId === sectionId && seat.status === 'available') free++;
    return free;
  }

  /** Applies statuses as announced; a held seat's expiry comes from `expiries` (read after the announcement). */
  apply(seats: { seatId: string; status: SeatStatus }[], expiries: Map<string, { status: SeatStatus; expiresAtMs: number | null }>): void {
    for (const { seatId, status } of seats) {
      const i = this.#index.get(seatId);
      if (i === undefined || this.seats[i]!.status === 'blocked') continue;
      const current = status === 'held' ? expiries.get(seatId) : { status, expiresAtMs: null };
      // A held seat the database no longer shows at all is left to the next announcement about it.
      if (!current) continue;
      this.seats[i]!.status = current.status;
      this.#expiresAt[i] = current.status === 'held' ? (current.expiresAtMs ?? 0) : 0;
    }
    this.#recomputeExpiry();
    this.#changed();
    this.sweep(Date.now());
  }

  #recomputeExpiry(): void {
    let next = Infinity;
    for (const until of this.#expiresAt) if (until !== 0 && until < next) next = until;
    this.#nextExpiry = next;
  }

  #changed(): void {
    this.#version++;
    this.#memo = new Map();
  }
}

interface Entry {
  loading: Promise<EventSeats>;
  current: EventSeats | undefined;
  /** The last version this entry held, so a reload after a failure still moves the version on. */
  version: number;
  /** A read of the database failed: what is held may be behind, and the next read loads the event again. */
  stale: boolean;
  /** Changes were missed (the feed reconnected): readers wait for the reload under way. */
  behind: boolean;
  /** When a reader last asked, or the last stream left (by the state's clock). */
  lastUsed: number;
  pending: FeedChange[];
  draining: Promise<void> | undefined;
  unsubscribe: () => void;
  listeners: Set<AppliedChangeListener>;
}

export interface SeatStateOptions {
  /** Events kept at most; beyond it the least recently read are forgotten first (500). */
  maxEvents?: number;
  /** An event nobody read or streamed for this long is forgotten (five minutes). */
  idleMs?: number;
  /** The clock idleness is measured by. */
  now?: () => number;
}

const MAX_EVENTS = 500;
const IDLE_MS = 5 * 60_000;

/**
 * The seat state of the events this process was asked about lately. An event with an open stream is always kept; the
 * others are forgotten when idle or when too many are held (their next read loads them again).
 */
export class SeatState {
  readonly #orm: Orm;
  readonly #feed: SeatFeed;
  /** In order of use, least recent first. */
  readonly #entries = new Map<string, Entry>();
  readonly #maxEvents: number;
  readonly #idleMs: number;
  readonly #now: () => number;
  readonly #sweeper: NodeJS.Timeout;

  constructor(orm: Orm, feed: SeatFeed, options: SeatStateOptions = {}) {
    this.#orm = orm;
    this.#feed = feed;
    this.#maxEvents = Math.max(1, options.maxEvents ?? MAX_EVENTS);
    this.#idleMs = options.idleMs ?? IDLE_MS;
    this.#now = options.now ?? Date.now;
    this.#sweeper = setInterval(() => this.#forgetIdle(), Math.max(10, Math.min(60_000, this.#idleMs / 2)));
    this.#sweeper.unref();
  }

  /** Whether changes are being heard now; while not, reads go to the database and nothing is kept. */
  get live(): boolean {
    return this.#feed.live;
  }

  /** Whether the event is held in memory now. */
  holds(eventId: string): boolean {
    return this.#entries.has(eventId);
  }

  /**
   * The event's state now; loaded on first use (one query). While the feed is disconnected changes may be missed, so
   * answers are read afresh from the database and nothing is kept.
   */
  async get(eventId: string): Promise<EventSeats> {
    if (!this.#feed.live) return this.#load(eventId, 0);
    const entry = this.#use(eventId);
    if (entry.stale) this.#startLoad(eventId, entry);
    if (entry.behind) await entry.draining;
    const seats = entry.current ?? (await entry.loading);
    seats.sweep(Date.now());
    return seats;
  }

  /** For a quick refusal before a claim in the database: the seats not sold at this event, and those taken now. */
  async isFree(eventId: string, seatIds: string[]): Promise<{ unknown: string[]; taken: string[] }> {
    return (await this.get(eventId)).check(seatIds);
  }

  /** Seats free now in a section of the event (0 for a section it does not sell). */
  async freeInSection(eventId: string, sectionId: string): Promise<number> {
    return (await this.get(eventId)).freeInSection(sectionId);
  }

  /**
   * Hears each change once the state has applied it (or that the event was reloaded: read it again); answers the
   * unsubscribe. The event is kept in memory while anyone listens.
   */
  subscribe(eventId: string, listener: AppliedChangeListener): () => void {
    const entry = this.#use(eventId);
    entry.listeners.add(listener);
    return () => {
      entry.listeners.delete(listener);
      entry.lastUsed = this.#now();
    };
  }

  /**
   * Reads the event again now, after this process changed it (the announcement reaches every instance, this one
   * included, a moment later; the caller's next read must not be older than its own write).
   */
  async refresh(eventId: string): Promise<void> {
    const entry = this.#entries.get(eventId);
    if (!entry) return;
    entry.pending.push({ eventId, seats: [], details: true });
    await this.#drain(eventId, entry);
  }

  /** Forgets every event (their next reads load them again); streams open on one hear that it was reloaded. */
  clear(): void {
    for (const [eventId, entry] of this.#entries) {
      this.#forget(eventId, entry);
      if (entry.stale) this.#tell(entry, { eventId, seats: [], resync: true });
    }
  }

  /** Stops forgetting idle events and forgets them all; for a process shutting down. */
  close(): void {
    clearInterval(this.#sweeper);
    for (const [eventId, entry] of this.#entries) this.#drop(eventId, entry);
  }

  /** The event's entry, opened if need be, marked as just used. */
  #use(eventId: string): Entry {
    let entry = this.#entries.get(eventId);
    if (entry) {
      this.#entries.delete(eventId);
      this.#entries.set(eventId, entry);
    } else {
      entry = this.#open(eventId);
      this.#forgetBeyondLimit(entry);
    }
    entry.lastUsed = this.#now();
    return entry;
  }

  #open(eventId: string): Entry {
    const entry: Entry = {
      loading: undefined as unknown as Promise<EventSeats>,
      current: undefined,
      version: -1,
      stale: false,
      behind: false,
      lastUsed: this.#now(),
      pending: [],
      draining: undefined,
      unsubscribe: () => undefined,
      listeners: new Set(),
    };
    // Subscribed before loading, so a change committed meanwhile is applied after the load.
    entry.unsubscribe = this.#feed.subscribe(eventId, (change) => {
      entry.pending.push(change);
      if (change.resync) entry.behind = true;
      void this.#drain(eventId, entry);
    });
    this.#entries.set(eventId, entry);
    this.#startLoad(eventId, entry);
    return entry;
  }

  /** Loads the event into its entry; changes heard meanwhile wait in `pending` and are applied after it. */
  #startLoad(eventId: string, entry: Entry): void {
    entry.stale = false;
    entry.current = undefined;
    entry.loading = this.#load(eventId, entry.version + 1).then(
      (seats) => {
        // An event that does not exist is not kept: ids nobody sells must not fill memory.
        if (seats.event === undefined && entry.listeners.size === 0) this.#drop(eventId, entry);
        else this.#hold(entry, seats);
        return seats;
      },
      (err: unknown) => {
        this.#forget(eventId, entry);
        throw err;
      },
    );
    entry.loading.catch(() => undefined);
  }

  #hold(entry: Entry, seats: EventSeats): void {
    entry.current = seats;
    entry.version = seats.version;
    entry.loading = Promise.resolve(seats);
  }

  /**
   * What is held may be behind the database. An event nobody listens to is dropped; one with listeners keeps them,
   * and is loaded again on its next read (which the listeners, told to resync, make).
   */
  #forget(eventId: string, entry: Entry): void {
    if (entry.listeners.size === 0) return this.#drop(eventId, entry);
    if (entry.current) entry.version = entry.current.version;
    entry.current = undefined;
    entry.stale = true;
    entry.loading = Promise.reject(new Error(`the seats of event ${eventId} are being reloaded`));
    entry.loading.catch(() => undefined);
  }

  #drop(eventId: string, entry: Entry): void {
    entry.unsubscribe();
    if (this.#entries.get(eventId) === entry) this.#entries.delete(eventId);
  }

  #forgetIdle(): void {
    const now = this.#now();
    for (const [eventId, entry] of this.#entries) {
      if (entry.listeners.size === 0 && now - entry.lastUsed >= this.#idleMs) this.#drop(eventId, entry);
    }
  }

  /** Least recently used first; never an event with listeners, nor the one just opened. */
  #forgetBeyondLimit(opened: Entry): void {
    for (const [eventId, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEvents) return;
      if (entry !== opened && entry.listeners.size === 0) this.#drop(eventId, entry);
    }
  }

  #drain(eventId: string, entry: Entry): Promise<void> {
    entry.draining ??= this.#applyPending(eventId, entry).finally(() => (entry.draining = undefined));
    return entry.draining;
  }

  async #applyPending(eventId: string, entry: Entry): Promise<void> {
    try {
      while (entry.pending.length > 0) {
        // The next read loads the event afresh, with every change heard until then.
        if (entry.stale) {
          entry.pending.length = 0;
          entry.behind = false;
          return;
        }
        const before = await entry.loading;
        const batch = entry.pending.splice(0);
        if (batch.some((change) => change.resync || change.details)) {
          this.#hold(entry, await this.#load(eventId, before.version + 1));
          entry.behind = entry.pending.some((change) => change.resync);
          // Seat changes in the batch, and prices, are in the reload only: listeners read the event again.
          this.#tell(entry, { eventId, seats: [], resync: true });
          continue;
        }
        const seats = batch.flatMap((change) => change.seats);
        const held = [...new Set(seats.filter((s) => s.status === 'held').map((s) => s.seatId))];
        (entry.current ?? before).apply(seats, await this.#expiries(eventId, held));
        for (const change of batch) this.#tell(entry, { eventId, seats: change.seats });
      }
    } catch {
      // The database could not be read: what is held may be behind, so it is loaded again on its next read.
      entry.pending.length = 0;
      entry.behind = false;
      this.#forget(eventId, entry);
      this.#tell(entry, { eventId, seats: [], resync: true });
    }
  }

  #tell(entry: Entry, change: AppliedChange): void {
    for (const listener of entry.listeners) {
      try {
        listener(change);
      } catch {
        // One listener's failure is its own.
      }
    }
  }

  /** Held seats as the database shows them now: their status and until when (an announcement carries no expiry). */
  async #expiries(eventId: string, seatIds: string[]) {
    const found = new Map<string, { status: SeatStatus; expiresAtMs: number | null }>();
    if (seatIds.length === 0) return found;
    const rows = await this.#orm.em.fork().execute<{ seat_id: string; status: SeatStatus; expires_ms: number | null }[]>(
      `select seat_id, status, (extract(epoch from expires_at) * 1000)::float8 as expires_ms
         from seat_inventory where event_id = ? and seat_id in (?)`,
      [eventId, seatIds],
    );
    for (const r of rows) found.set(r.seat_id, { status: r.status, expiresAtMs: r.expires_ms === null ? null : Number(r.expires_ms) });
    return found;
  }

  async #load(eventId: string, version: number): Promise<EventSeats> {
    const [row] = await this.#orm.em
      .fork()
      .execute<{ event: EventJson | null; venue: VenueDetails | null; tiers: [string, string, number, string][]; seats: SeatRow[] }[]>(
        LOAD,
        [eventId, eventId, eventId, eventId],
      );
    const e = row?.event ?? null;
    const event: EventDetails | undefined = e
      ? {
          id: e.id,
          venueId: e.venue_id,
          title: e.title,
          description: e.description,
          status: e.status,
          startsAt: new Date(e.starts_at),
          endsAt: date(e.ends_at),
          salesOpenAt: date(e.sales_open_at),
          salesCloseAt: date(e.sales_close_at),
          publishedAt: date(e.published_at),
          cancellationPolicy: e.cancellation_policy,
        }
      : undefined;
    const tiers = (row?.tiers ?? []).map(([sectionId, name, priceMinor, currency]) => ({ sectionId, name, priceMinor, currency }));
    return new EventSeats(eventId, event, row?.venue ?? undefined, tiers, row?.seats ?? [], version);
  }
}
