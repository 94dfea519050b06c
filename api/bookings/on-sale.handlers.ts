// The on-sale routes' handlers: the settings through the domain, and the admitter started (or woken) with them.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DomainError } from '../../common/errors/domain-error.ts';
import { readOnSale, saveOnSale, settingsOf, sharedOnSaleCache, type OnSaleSettings } from '../../domain/bookings/on-sale.ts';
import { onSaleAdmitterWorkflow } from '../../workflows/on-sale-admitter.workflow.ts';
import { admitterSettingsSignal, onSaleAdmitterWorkflowId, type AdmitterSettings } from '../../workflows/on-sale-messages.ts';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/task-queues.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';
import type { OnSaleHandlers } from './on-sale.routes.ts';

export function onSaleBody(s: OnSaleSettings) {
  return {
    eventId: s.eventId,
    opensAt: s.opensAt.toISOString(),
    waitingRoom: s.waitingRoom,
    admissionRatePerMinute: s.admissionRatePerMinute,
    admissionTtlSeconds: s.admissionTtlSeconds,
    maxSeatsPerCustomer: s.maxSeatsPerCustomer,
    joinsPerAddressPerMinute: s.joinsPerAddressPerMinute,
    currentRatePerMinute: s.currentRatePerMinute,
    openedAt: s.openedAt?.toISOString() ?? null,
    soldOutAt: s.soldOutAt?.toISOString() ?? null,
    updatedAt: s.updatedAt.toISOString(),
    admitterWorkflowId: onSaleAdmitterWorkflowId(s.eventId),
  };
}

export function onSaleHandlers(deps: Pick<BookingsRouteDeps, 'orm' | 'client'>): OnSaleHandlers {
  const cache = sharedOnSaleCache(deps.orm);
  return {
    put: async (c) => {
      const eventId = c.req.valid('param').id;
      const body = c.req.valid('json');
      const { record } = await saveOnSale(deps.orm.em.fork(), eventId, { ...body, opensAt: new Date(body.opensAt) });
      cache.forget(eventId);
      await tellAdmitter(deps.client, record);
      return c.json(onSaleBody(settingsOf(record)), 200);
    },
    get: async (c) => {
      const record = await readOnSale(deps.orm.em.fork(), c.req.valid('param').id);
      if (!record) throw new DomainError('not_found', 'ON_SALE_NOT_SET', 'This event has no on-sale settings.');
      return c.json(onSaleBody(settingsOf(record)), 200);
    },
  };
}

/**
 * With the waiting room on, the admitter is started with the settings or, running already, signalled them (one call:
 * signal-with-start). With it off, a running admitter is told, and ends; none running is nothing to tell.
 */
async function tellAdmitter(client: Client, settings: OnSaleSettings): Promise<void> {
  const workflowId = onSaleAdmitterWorkflowId(settings.eventId);
  const signalled: AdmitterSettings = {
    opensAt: settings.opensAt.toISOString(),
    waitingRoom: settings.waitingRoom,
    admissionRatePerMinute: settings.admissionRatePerMinute,
    admissionTtlSeconds: settings.admissionTtlSeconds,
  };
  try {
    if (settings.waitingRoom && settings.soldOutAt === null) {
      await client.workflow.signalWithStart(onSaleAdmitterWorkflow, {
        workflowId,
        taskQueue: WORKFLOW_TASK_QUEUE,
        args: [{ eventId: settings.eventId, settings: signalled }],
        signal: admitterSettingsSignal,
        signalArgs: [signalled],
      });
    } else {
      await client.workflow.getHandle(workflowId).signal(admitterSettingsSignal, signalled);
    }
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return;
    throw new DomainError(
      'unavailable',
      'ADMITTER_UNAVAILABLE',
      `The settings are saved, but the admitter could not be told (${(err as Error).message}); send them again.`,
      { retryAfterSeconds: 2 },
    );
  }
}
