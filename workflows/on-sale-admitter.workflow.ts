// An event's admitter (`on-sale-<eventId>`): waits for the opening, then every second takes one step (activities/
// on-sale.activities.ts) that ranks the pre-queue at random, expires unused admissions and admits the next customers
// at the rate, within the free seats. Its progress is its current details in the Temporal Web UI and its memo. It
// ends when the event sells out (the step turns everyone waiting sold out), its sale is over, or the waiting room is
// turned off, and continues as new before its history grows large.
import {
  ActivityFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { OnSaleActivities } from '../activities/on-sale.activities.ts';
import {
  admitterProgressQuery,
  admitterSettingsSignal,
  automaticRate,
  type AdmitterInput,
  type AdmitterProgress,
  type AdmitterResult,
  type AdmitterSettings,
  type AdmitterStepResult,
} from './on-sale-messages.ts';
import { TASK_QUEUES } from './task-queues.ts';

/** One step is a few statements and one availability read: quick, and retried soon; a step given up is the next one's. */
const ADMITTER_ACTIVITIES: ActivityOptions = {
  taskQueue: TASK_QUEUES.bookings,
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 5 },
};

const onSale = proxyActivities<OnSaleActivities>(ADMITTER_ACTIVITIES);

/** The step's period: admissions follow the rate within a second. */
const STEP_MS = 1_000;
/** Admissions the rate may save up while the free seats hold them back: at most this many seconds' worth. */
const BURST_SECONDS = 5;
/** Steps per run before continuing as new (each step is a handful of history events). */
const STEPS_PER_RUN = 500;
/** The memo is written this often (every memo change is a history event). */
const MEMO_EVERY_STEPS = 10;

export async function onSaleAdmitterWorkflow(input: AdmitterInput): Promise<AdmitterResult> {
  let settings: AdmitterSettings = input.settings;
  let woken = false;
  const progress: AdmitterProgress = input.progress ?? {
    admitted: 0,
    expired: 0,
    waiting: 0,
    used: 0,
    ratePerMinute: 0,
    openedAt: null,
    note: 'starting',
  };
  setHandler(admitterSettingsSignal, (changed) => {
    settings = changed;
    woken = true;
  });
  setHandler(admitterProgressQuery, () => progress);
  const show = (note: string) => {
    progress.note = note;
    setCurrentDetails(
      `**${note}**\n\nrate: ${progress.ratePerMinute}/min\n\nadmitted: ${progress.admitted}\n\nwaiting: ${progress.waiting}\n\n` +
        `used: ${progress.used}\n\nexpired unused: ${progress.expired}`,
    );
  };
  const end = (ended: AdmitterResult['ended'], note: string): AdmitterResult => {
    show(note);
    upsertMemo({ progress: { ...progress } });
    return { eventId: input.eventId, ended, progress };
  };

  // Until the opening: the pre-queue fills; a settings change (a new opening time) wakes it.
  while (settings.waitingRoom && Date.now() < Date.parse(settings.opensAt)) {
    show(`pre-queue: opens at ${settings.opensAt}`);
    woken = false;
    await condition(() => woken, Date.parse(settings.opensAt) - Date.now());
  }
  if (!settings.waitingRoom) return end('waiting_room_off', 'the waiting room was turned off');

  let credit = input.credit ?? 0;
  let last: AdmitterStepResult | undefined;
  for (let step = 1; ; step++) {
    const rate = rateOf(settings, progress, last);
    progress.ratePerMinute = rate;
    credit = Math.min(credit + (rate * STEP_MS) / 60_000, Math.max(1, (rate * BURST_SECONDS) / 60));
    try {
      last = await onSale.admitterStep({ eventId: input.eventId, maxAdmissions: Math.floor(credit), ratePerMinute: rate });
    } catch (err) {
      // The database or the events service away: this step is skipped, the next one tries again.
      if (!(err instanceof ActivityFailure)) throw err;
      show(`step ${step} failed: ${err.cause?.message ?? err.message}; trying again`);
      await condition(() => woken, STEP_MS);
      continue;
    }
    credit -= last.admitted;
    progress.admitted += last.admitted;
    progress.expired += last.expired;
    progress.waiting = last.waiting;
    progress.used = last.used;
    progress.openedAt ??= new Date().toISOString();
    settings = { ...settings, waitingRoom: last.waitingRoom, admissionRatePerMinute: last.admissionRatePerMinute };
    if (last.soldOut) return end('sold_out', 'sold out: everyone still waiting was told');
    if (last.saleOver) return end('sale_over', 'the sale is over');
    if (!last.waitingRoom) return end('waiting_room_off', 'the waiting room was turned off');
    show(`admitting: ${last.outstanding} admissions outstanding`);
    if (step % MEMO_EVERY_STEPS === 0) upsertMemo({ progress: { ...progress } });
    if (step >= STEPS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof onSaleAdmitterWorkflow>({ eventId: input.eventId, settings, progress, credit });
    }
    woken = false;
    await condition(() => woken, STEP_MS);
  }
}

/** The configured rate, or the automatic one from the admissions used over the last minute. */
function rateOf(settings: AdmitterSettings, progress: AdmitterProgress, last: AdmitterStepResult | undefined): number {
  if (settings.admissionRatePerMinute !== 'auto') return settings.admissionRatePerMinute;
  const sinceOpening = progress.openedAt === null ? 0 : Date.now() - Date.parse(progress.openedAt);
  return automaticRate(sinceOpening, last?.usedLastMinute ?? 0);
}
