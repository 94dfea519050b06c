import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { installTemporalRuntime } from '../common/temporal/runtime.ts';
import { testLogger, workflowBundle } from './support/context.ts';

// Every recorded history must replay against today's workflow code: a change that would break a running
// workflow fails here. Record a new history (and keep the old ones) whenever a workflow changes shape.
const HISTORIES = new URL('./histories/', import.meta.url);

function load(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, HISTORIES), 'utf8'));
}

describe('workflow histories', () => {
  installTemporalRuntime(testLogger());
  const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

  it('has at least one recorded history per workflow type and booking story', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'platform-check.completed.json',
        'booking.confirmed.json',
        'booking.confirmed.regular-bookkeeping.json',
        'booking.claimed-hold-confirmed.json',
        'booking.claimed-hold-not-recorded.json',
        'booking.expired.json',
        'booking.declined-then-paid.json',
        'booking.cancelled-before-payment.json',
        'booking.paid-as-hold-expired.json',
        'booking-cancellation.refunded.json',
        'event-cancellation.completed.json',
        'on-sale-admitter.sold-out.json',
        'waiting-list.lapsed-then-accepted.json',
      ]),
    );
  });

  it.each(files)('replays %s without a determinism error', async (file) => {
    const history = load(file);
    await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, file)).resolves.toBeUndefined();
  });

  it.each(['platform-check.completed.json', 'booking.confirmed.json'])(
    'fails on a copy of %s whose activities differ from the code',
    async (file) => {
      const recorded = load(file) as {
        events: { activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[];
      };
      for (const event of recorded.events) {
        if (event.activityTaskScheduledEventAttributes) event.activityTaskScheduledEventAttributes.activityType.name = 'pong';
      }
      await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, recorded, 'incompatible')).rejects.toMatchObject({
        name: 'DeterminismViolationError',
      });
    },
  );
});
