// Task queue names: one per service that owns data; workflows and workers both import these.
export const TASK_QUEUES = {
  users: 'users',
  events: 'events',
  bookings: 'bookings',
  payments: 'payments',
} as const;

export type TaskQueue = (typeof TASK_QUEUES)[keyof typeof TASK_QUEUES];

/** The queue whose worker hosts workflow code (the booking saga and the platform check). */
export const WORKFLOW_TASK_QUEUE = TASK_QUEUES.bookings;
