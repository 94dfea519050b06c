// What one workflow cost Temporal, from its history: events, workflow tasks and activities.
import type { Client } from '@temporalio/client';

export interface HistoryCost {
  events: number;
  workflowTasks: number;
  activities: number;
}

export async function historyCost(client: Client, workflowId: string): Promise<HistoryCost> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  return {
    events: events.length,
    workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
  };
}

/** The average cost over a few workflows (a booking's history can differ by a task or two). */
export async function averageCost(client: Client, workflowIds: string[]): Promise<HistoryCost> {
  const costs = await Promise.all(workflowIds.map((id) => historyCost(client, id)));
  const avg = (pick: (c: HistoryCost) => number) => Math.round((costs.reduce((s, c) => s + pick(c), 0) / costs.length) * 10) / 10;
  return { events: avg((c) => c.events), workflowTasks: avg((c) => c.workflowTasks), activities: avg((c) => c.activities) };
}
