// The in-memory seat state against the database: holds, releases, confirmations and returns arrive through the change
// feed, a lapsed hold reads as free without any notification, a lost feed connection or a failed read reloads, two
// instances (two states, two feeds) each see the other's changes, and events nobody reads are forgotten.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import { updateEvent } from '../domain/events/events.ts';
import { SeatFeed } from '../domain/events/seat-feed.ts';
import { SeatState, type AppliedChange, type SeatStateOptions } from '../domain/events/seat-state.ts';
import {
  availability,
  confirmSeats,
  extendHold,
  holdSeats,
  releaseSeats,
  returnSeats,
  seatMap,
  type HoldRequest,
} from '../domain/events/seats.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig, testLogger } from './support/context.ts';
import { eventOnSale, eventsCtx } from './support/events.ts';
import { until } from './support/wait.ts';

describe('the seat state in memory', () => {
  const config = testConfig();
  let orm: Orm;
  const feeds: SeatFeed[] = [];
  const states: SeatState[] = [];
  let stateA: SeatState;
  let stateB: SeatState;
  const hold = (eventId: string, seatIds: string[], until = new Date(Date.now() + 600_000)): HoldRequest => ({
    holdId: randomUUID(),
    eventId,
    customerId: randomUUID(),
    selection: { seatIds },
    until,
    maxSeatsPerCustomer: 10,
  });
  const openState = async (options: SeatStateOptions = {}, database: Orm = orm) => {
    const feed = await SeatFeed.open(config.services.events.databaseUrl, testLogger());
    feeds.push(feed);
    const state = new SeatState(database, feed, options);
    states.push(state);
    return { feed, state };
  };
  /** Whether the state's seat map and counts are the database's now. */
  const matchesDatabase = async (state: SeatState, eventId: string) => {
    const seats = await state.get(eventId);
    const [map, counts] = await Promise.all([seatMap(orm.em.fork(), eventId), availability(orm.em.fork(), eventId)]);
    return JSON.stringify(seats.seats) === JSON.stringify(map) && JSON.stringify(seats.availability()) === JSON.stringify(counts);
  };

  beforeAll(async () => {
    orm = await openServiceOrm(ormSettings('events', config), { migrate: true });
    stateA = (await openState()).state;
    stateB = (await openState()).state;
  });
  afterAll(async () => {
    for (const state of states) state.close();
    for (const feed of feeds) await feed.close();
    await orm?.close();
  });

  it('loads an event as the database shows it, and follows holds, releases, confirmations and returns', async () => {
    const event = await eventOnSale(eventsCtx(orm));
    const [a, b, c] = event.seatIds;
    expect(await matchesDatabase(stateA, event.eventId)).toBe(true);
    const loaded = (await stateA.get(event.eventId)).version;

    const first = await holdSeats(orm.em.fork(), hold(event.eventId, [a!, b!]));
    await until(async () => (await stateA.isFree(event.eventId, [a!])).taken.length === 1, 5_000);
    expect(await stateA.isFree(event.eventId, [a!, b!, c!])).toEqual({ unknown: [], taken: [a, b] });
    expect((await stateA.get(event.eventId)).version).toBeGreaterThan(loaded);
    expect(await matchesDatabase(stateA, event.eventId)).toBe(true);

    await confirmSeats(orm.em.fork(), first.holdId);
    await until(async () => (await stateA.get(event.eventId)).seats.find((s) => s.seatId === a)!.status === 'sold', 5_000);
    expect(await matchesDatabase(stateA, event.eventId)).toBe(true);

    const second = await holdSeats(orm.em.fork(), hold(event.eventId, [c!]));
    await until(async () => (await stateA.isFree(event.eventId, [c!])).taken.length === 1, 5_000);
    await releaseSeats(orm.em.fork(), second.holdId);
    await until(async () => (await stateA.isFree(event.eventId, [c!])).taken.length === 0, 5_000);
    await returnSeats(orm.em.fork(), first.holdId);
    await until(async () => (await stateA.isFree(event.eventId, [a!, b!])).taken.length === 0, 5_000);
    expect(await matchesDatabase(stateA, event.eventId)).toBe(true);
  });

  it('reads a lapsed hold as free with no notification, and counts free seats per section', async () => {
    const event = await eventOnSale(eventsCtx(orm));
    const section = event.sections[0]!;
    const [a, b] = event.seatIds;
    await stateA.get(event.eventId);
    await holdSeats(orm.em.fork(), hold(event.eventId, [a!, b!], new Date(Date.now() + 1_500)));
    await until(async () => (await stateA.freeInSection(event.eventId, section.id)) === section.seatIds.length - 2, 5_000);
    const whileHeld = (await stateA.get(event.eventId)).version;
    // Nothing announces the expiry: the state reads it from the hold's own deadline.
    await until(async () => (await stateA.freeInSection(event.eventId, section.id)) === section.seatIds.length, 10_000);
    expect((await stateA.get(event.eventId)).version).toBeGreaterThan(whileHeld);
    expect(await stateA.isFree(event.eventId, [a!, b!])).toEqual({ unknown: [], taken: [] });
    expect(await matchesDatabase(stateA, event.eventId)).toBe(true);
    expect(await stateA.freeInSection(event.eventId, randomUUID())).toBe(0);
  });

  it('keeps a hold extended for its payment held past its first deadline', async () => {
    const event = await eventOnSale(eventsCtx(orm));
    const [a] = event.seatIds;
    await stateA.get(event.eventId);
    const paying = await holdSeats(orm.em.fork(), hold(event.eventId, [a!], new Date(Date.now() + 1_500)));
    await until(async () => (await stateA.isFree(event.eventId, [a!])).taken.length === 1, 5_000);
    // The first deadline passes (the seat reads free), then the payment's extension keeps the untaken seat for it.
    await until(async () => (await stateA.isFree(event.eventId, [a!])).taken.length === 0, 10_000);
    await extendHold(orm.em.fork(), paying.holdId, new Date(Date.now() + 600_000));
    await until(async () => (await stateA.isFree(event.eventId, [a!])).taken.length === 1, 5_000);
    expect(await matchesDatabase(stateA, event.eventId)).toBe(true);
  });

  it('names seats this event does not sell as unknown', async () => {
    const event = await eventOnSale(eventsCtx(orm));
    const other = await eventOnSale(eventsCtx(orm));
    const stranger = randomUUID();
    expect(await stateA.isFree(event.eventId, [event.seatIds[0]!, other.seatIds[0]!, stranger])).toEqual({
      unknown: [other.seatIds[0], stranger],
      taken: [],
    });
  });

  it('sees the changes another instance makes, and an event update drops every copy of the event', async () => {
    const event = await eventOnSale(eventsCtx(orm));
    await Promise.all([stateA.get(event.eventId), stateB.get(event.eventId)]);
    await holdSeats(orm.em.fork(), hold(event.eventId, [event.seatIds[5]!]));
    for (const state of [stateA, stateB]) {
      await until(async () => (await state.isFree(event.eventId, [event.seatIds[5]!])).taken.length === 1, 5_000);
    }
    await updateEvent(eventsCtx(orm), event.eventId, { title: 'Renamed while cached' });
    for (const state of [stateA, stateB]) {
      await until(async () => (await state.get(event.eventId)).event?.title === 'Renamed while cached', 5_000);
      expect(await matchesDatabase(state, event.eventId)).toBe(true);
    }
  });

  it('reloads an event after its feed connection was lost, with the changes made meanwhile', async () => {
    const { feed, state } = await openState();
    const event = await eventOnSale(eventsCtx(orm));
    const [a] = event.seatIds;
    await state.get(event.eventId);
    const resyncs: boolean[] = [];
    state.subscribe(event.eventId, (change) => change.resync && resyncs.push(true));
    // Every LISTEN connection of the events database is cut; each feed reconnects on its own.
    await orm.em
      .fork()
      .execute(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen seat_changes%'`,
      );
    await until(() => !feed.live, 5_000);
    // Made while the feed may not hear it: the reads meanwhile go to the database, and the reconnect reloads.
    await holdSeats(orm.em.fork(), hold(event.eventId, [a!]));
    expect((await state.isFree(event.eventId, [a!])).taken).toEqual([a]);
    await until(() => feed.live && resyncs.length > 0, 10_000);
    expect((await state.isFree(event.eventId, [a!])).taken).toEqual([a]);
    expect(await matchesDatabase(state, event.eventId)).toBe(true);
  });

  it('keeps its listeners when a read of the database fails, and loads the event again on the next read', async () => {
    let failing = false;
    let failed = 0;
    const unreachable = () => {
      failed++;
      return Promise.reject(new Error('database unreachable'));
    };
    // The events database as the state reads it, unreachable on demand.
    const flaky = { em: { fork: () => (failing ? { execute: unreachable } : orm.em.fork()) } } as unknown as Orm;
    const { state } = await openState({}, flaky);
    const event = await eventOnSale(eventsCtx(orm));
    const [a, b] = event.seatIds;
    await state.get(event.eventId);
    const heard: AppliedChange[] = [];
    let resyncsAfterFailure = 0;
    state.subscribe(event.eventId, (change) => {
      heard.push(change);
      if (change.resync && failed > 0) resyncsAfterFailure++;
    });

    failing = true;
    await holdSeats(orm.em.fork(), hold(event.eventId, [a!]));
    await until(() => resyncsAfterFailure > 0, 5_000);
    failing = false;
    // What a stream told to resync does: it reads the event again.
    expect((await state.isFree(event.eventId, [a!])).taken).toEqual([a]);
    await holdSeats(orm.em.fork(), hold(event.eventId, [b!]));
    await until(() => heard.some((change) => change.seats.some((s) => s.seatId === b)), 5_000);
    expect(await matchesDatabase(state, event.eventId)).toBe(true);
  });

  it('tells its listeners to read the event again when the event itself changes', async () => {
    const { state } = await openState();
    const event = await eventOnSale(eventsCtx(orm));
    await state.get(event.eventId);
    // The title each resync finds when the listener reads the event again, as a stream does.
    const titles: (string | undefined)[] = [];
    state.subscribe(event.eventId, (change) => {
      if (change.resync) void state.get(event.eventId).then((seats) => titles.push(seats.event?.title));
    });
    await updateEvent(eventsCtx(orm), event.eventId, { title: 'Renamed for its streams' });
    await until(() => titles.includes('Renamed for its streams'), 5_000);
  });

  it('forgets an event nobody reads or listens to, and reads it afresh when asked again', async () => {
    const { state } = await openState({ idleMs: 200 });
    const idle = await eventOnSale(eventsCtx(orm));
    const streamed = await eventOnSale(eventsCtx(orm));
    const [a] = idle.seatIds;
    await state.get(streamed.eventId);
    const stopListening = state.subscribe(streamed.eventId, () => undefined);
    await state.get(idle.eventId);
    await until(() => !state.holds(idle.eventId), 5_000);
    // Unread for longer than the forgotten one, but listened to.
    expect(state.holds(streamed.eventId)).toBe(true);

    // Changed while forgotten (nothing in memory hears it): the next read loads it as it is now.
    await holdSeats(orm.em.fork(), hold(idle.eventId, [a!]));
    expect((await state.isFree(idle.eventId, [a!])).taken).toEqual([a]);
    expect(await matchesDatabase(state, idle.eventId)).toBe(true);
    stopListening();
    await until(() => !state.holds(streamed.eventId), 5_000);
  });

  it('keeps at most as many events as allowed, the least recently read forgotten first, never one listened to', async () => {
    const { state } = await openState({ maxEvents: 2 });
    const [first, second, third] = await Promise.all([1, 2, 3].map(() => eventOnSale(eventsCtx(orm))));
    const held = () => [first!, second!, third!].map((e) => state.holds(e.eventId));
    await state.get(first!.eventId);
    await state.get(second!.eventId);
    await state.get(first!.eventId);
    await state.get(third!.eventId);
    expect(held()).toEqual([true, false, true]);

    state.subscribe(first!.eventId, () => undefined);
    state.subscribe(third!.eventId, () => undefined);
    expect(await matchesDatabase(state, second!.eventId)).toBe(true);
    expect(held()).toEqual([true, true, true]);
  });
});
