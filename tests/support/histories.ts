// Reading recorded workflow histories in tests: which activities ran, how they ended, and which worker did the work.
import { temporal as proto } from '@temporalio/proto';

export type History = proto.api.history.v1.IHistory;

export type ActivityRun = {
  name: string;
  /** How its last attempt ended: 'completed', 'failed' or 'timedOut'. */
  ended: string | undefined;
  attempt: number;
  /** What ended the attempt before the last, if there was one: a timeout's type (HEARTBEAT…) or a failure's message. */
  retriedAfter?: string;
  /** The identity of the worker that started its last attempt (pid@host by default). */
  worker?: string;
};

/** The activities the workflow scheduled, in order, each with how it ended. */
export function activitiesOf(history: History): ActivityRun[] {
  const scheduled = new Map<string, ActivityRun>();
  for (const event of history.events ?? []) {
    if (event.activityTaskScheduledEventAttributes) {
      scheduled.set(String(event.eventId), {
        name: event.activityTaskScheduledEventAttributes.activityType!.name!,
        ended: undefined,
        attempt: 0,
      });
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const run = scheduled.get(String(started.scheduledEventId))!;
      run.attempt = started.attempt ?? 1;
      run.worker = started.identity ?? undefined;
      const timeout = started.lastFailure?.timeoutFailureInfo?.timeoutType;
      if (started.lastFailure) run.retriedAfter = timeout ? proto.api.enums.v1.TimeoutType[timeout] : started.lastFailure.message!;
    }
    const endings = [
      ['completed', event.activityTaskCompletedEventAttributes],
      ['failed', event.activityTaskFailedEventAttributes],
      ['timedOut', event.activityTaskTimedOutEventAttributes],
    ] as const;
    for (const [ended, attributes] of endings) {
      if (attributes) scheduled.get(String(attributes.scheduledEventId))!.ended = ended;
    }
  }
  return [...scheduled.values()];
}

/** The worker identity that completed each workflow task, in history order. */
export function workflowTaskWorkers(history: History): string[] {
  return (history.events ?? []).flatMap((event) => {
    const completed = event.workflowTaskCompletedEventAttributes;
    return completed ? [completed.identity ?? ''] : [];
  });
}
