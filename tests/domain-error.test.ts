// A domain error is mapped once per adapter: to problem+json by the service app (the same bytes an HTTP problem of that
// status gives), and to an activity failure typed by its code that a workflow and a route read back. No services needed.
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { activityFailureOf, asActivity } from '../activities/domain-failure.ts';
import { domainErrorOf } from '../api/bookings/booking-saga-client.ts';
import { DOMAIN_ERROR_KINDS, DomainError, type DomainErrorKind } from '../common/errors/domain-error.ts';
import { HttpProblem } from '../common/http/problem.ts';
import { domainFailureOf, failureDetailsOf, refusal } from '../workflows/domain-failures.ts';
import { appThrowing } from './support/problems.ts';

async function answer(err: Error) {
  const res = await appThrowing(err).request('/probe');
  const headers = Object.fromEntries(['content-type', 'retry-after', 'www-authenticate'].map((h) => [h, res.headers.get(h)]));
  const body = JSON.parse(await res.text()) as Record<string, unknown>;
  delete body.requestId;
  return { status: res.status, headers, body: JSON.stringify(body) };
}

const seatErrors = [{ field: 'seats.s1', message: 'is already taken' }];

const STATUSES: [DomainErrorKind, number][] = [
  ['invalid', 422],
  ['unauthorized', 401],
  ['forbidden', 403],
  ['not_found', 404],
  ['conflict', 409],
  ['declined', 402],
  ['rate_limited', 429],
  ['unavailable', 503],
];

describe('a domain error over HTTP', () => {
  it.each(STATUSES)('answers a %s refusal with %i', async (kind, status) => {
    const res = await appThrowing(new DomainError(kind, 'SOME_CODE', 'Refused.')).request('/probe');
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status, code: 'SOME_CODE', detail: 'Refused.' });
  });

  it('is checked here for every kind there is', () => {
    expect(STATUSES.map(([kind]) => kind).sort()).toEqual([...DOMAIN_ERROR_KINDS].sort());
  });

  it.each<[string, DomainError, HttpProblem]>([
    [
      'seats taken, with the fields at fault',
      new DomainError('conflict', 'SEATS_UNAVAILABLE', 'Some are taken.', { seatIds: ['s1'], errors: seatErrors }),
      new HttpProblem(409, 'SEATS_UNAVAILABLE', 'Some are taken.', seatErrors),
    ],
    [
      'a refusal with an empty field list',
      new DomainError('conflict', 'HOLD_LIMIT_EXCEEDED', 'Too many.', { errors: [] }),
      new HttpProblem(409, 'HOLD_LIMIT_EXCEEDED', 'Too many.', []),
    ],
    [
      'a rate limit with its Retry-After',
      new DomainError('rate_limited', 'TOO_MANY_REQUESTS', 'Slow down. Try again in 30 s.', { retryAfterSeconds: 30 }),
      new HttpProblem(429, 'TOO_MANY_REQUESTS', 'Slow down. Try again in 30 s.', undefined, { 'retry-after': '30' }),
    ],
    [
      'wrong credentials with the bearer challenge',
      new DomainError('unauthorized', 'INVALID_CREDENTIALS', 'Wrong.'),
      new HttpProblem(401, 'INVALID_CREDENTIALS', 'Wrong.'),
    ],
    ['a declined card', new DomainError('declined', 'CARD_DECLINED', 'Declined.'), new HttpProblem(402, 'CARD_DECLINED', 'Declined.')],
    [
      'an unreachable gateway',
      new DomainError('unavailable', 'GATEWAY_UNAVAILABLE', 'Down.'),
      new HttpProblem(503, 'GATEWAY_UNAVAILABLE', 'Down.'),
    ],
  ])('answers %s with the same bytes as the HTTP problem of that status', async (_story, domain, http) => {
    expect(await answer(domain)).toEqual(await answer(http));
  });
});

describe('a domain error in an activity', () => {
  const taken = new DomainError('conflict', 'SEATS_UNAVAILABLE', 'Some are taken.', { seatIds: ['s1', 's2'], errors: seatErrors });

  it('fails the activity for good, typed by its code, with its kind and details as one object', () => {
    const failure = activityFailureOf(taken);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'SEATS_UNAVAILABLE', message: 'Some are taken.', nonRetryable: true });
    expect(failure.details).toEqual([{ kind: 'conflict', seatIds: ['s1', 's2'], errors: seatErrors }]);
  });

  it('leaves an unavailable dependency to the retry policy', () => {
    expect(activityFailureOf(new DomainError('unavailable', 'GATEWAY_UNAVAILABLE', 'Down.')).nonRetryable).toBe(false);
  });

  it('lets any other error through unchanged, so it is retried', async () => {
    const hiccup = new Error('connection reset');
    await expect(asActivity(() => Promise.reject(hiccup))).rejects.toBe(hiccup);
    await expect(asActivity(() => Promise.reject(taken))).rejects.toMatchObject({ type: 'SEATS_UNAVAILABLE', nonRetryable: true });
    await expect(asActivity(() => Promise.resolve(7))).resolves.toBe(7);
  });

  it('is read back by a workflow: code, kind and seat ids from the details', () => {
    const failed = new ActivityFailure(
      'activity failed',
      'holdSeats',
      '1',
      RetryState.NON_RETRYABLE_FAILURE,
      'worker',
      activityFailureOf(taken),
    );
    expect(domainFailureOf(failed)).toMatchObject({ code: 'SEATS_UNAVAILABLE', kind: 'conflict', details: { seatIds: ['s1', 's2'] } });
    expect(domainFailureOf(new Error('not a failure'))).toBeUndefined();
  });

  it('reads a failure recorded with the older list of field details as one without details', () => {
    const older = ApplicationFailure.create({
      type: 'SEATS_UNAVAILABLE',
      message: 'Taken.',
      details: [[{ field: 'seats.s1', message: 'x' }]],
    });
    expect(domainFailureOf(older)).toMatchObject({ code: 'SEATS_UNAVAILABLE', kind: undefined, details: {} });
  });

  it('believes only well-formed details: a wrong kind, seat ids or field errors are left out', () => {
    const odd = ApplicationFailure.create({
      type: 'SEATS_UNAVAILABLE',
      message: 'Taken.',
      details: [{ kind: 'sideways', seatIds: 's1', errors: [{ field: 3 }], retryAfterSeconds: '5' }],
    });
    expect(domainFailureOf(odd)).toEqual({ code: 'SEATS_UNAVAILABLE', kind: undefined, message: 'Taken.', details: {} });
    expect(failureDetailsOf({ kind: 'conflict', seatIds: ['s1'], retryAfterSeconds: 2 })).toEqual({
      kind: 'conflict',
      seatIds: ['s1'],
      retryAfterSeconds: 2,
    });
  });

  it('is read back by a route as the same domain error', () => {
    const back = domainErrorOf(activityFailureOf(taken), { kind: 'conflict', code: 'UNKNOWN' });
    expect(back).toBeInstanceOf(DomainError);
    expect({ kind: back.kind, code: back.code, message: back.message, details: back.details }).toEqual({
      kind: 'conflict',
      code: 'SEATS_UNAVAILABLE',
      message: 'Some are taken.',
      details: { seatIds: ['s1', 's2'], errors: seatErrors },
    });
  });

  it('reads an update refusal of the saga with its kind, and falls back when a failure carries none', () => {
    expect(domainErrorOf(refusal('not_found', 'BOOKING_NOT_FOUND', 'No booking.'), { kind: 'conflict', code: 'X' })).toMatchObject({
      kind: 'not_found',
      code: 'BOOKING_NOT_FOUND',
    });
    expect(domainErrorOf(ApplicationFailure.create({ message: 'Odd.' }), { kind: 'conflict', code: 'BOOKING_NOT_HELD' })).toMatchObject({
      kind: 'conflict',
      code: 'BOOKING_NOT_HELD',
      message: 'Odd.',
    });
  });
});
