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

/** The marker Temporal records for a local activity: its type and attempt in `data`, a failure if it failed. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** A local activity's run, read from its marker; its worker is the one that completed the workflow task recording it. */
function localActivityRun(event: proto.api.history.v1.IHistoryEvent, workers: Map<string, string>): ActivityRun | undefined {
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) return undefined;
  const data = marker.details?.data?.payloads?.[0]?.data;
  const { activity_type: name, attempt } = JSON.parse(Buffer.from(data ?? []).toString('utf8')) as {
    activity_type: string;
    attempt: number;
  };
  return {
    name,
    ended: marker.failure ? 'failed' : 'completed',
    attempt,
    worker: workers.get(String(marker.workflowTaskCompletedEventId)),
  };
}

/** The activities the workflow ran, local ones included (by their markers), in order, each with how it ended. */
export function activitiesOf(history: History): ActivityRun[] {
  const scheduled = new Map<string, ActivityRun>();
  const taskWorkers = new Map<string, string>();
  for (const event of history.events ?? []) {
    const task = event.workflowTaskCompletedEventAttributes;
    if (task) taskWorkers.set(String(event.eventId), task.identity ?? '');
    const local = localActivityRun(event, taskWorkers);
    if (local) scheduled.set(String(event.eventId), local);
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
