// Every workflow type the workflow worker registers.
export { platformCheckWorkflow } from './platform-check.workflow.ts';
export { bookingWorkflow } from './booking.workflow.ts';
export { bookingCancellationWorkflow } from './booking-cancellation.workflow.ts';
export { eventCancellationWorkflow } from './event-cancellation.workflow.ts';
export { bookingRefundWorkflow } from './booking-refund.workflow.ts';
export { waitingListWorkflow } from './waiting-list.workflow.ts';
export { onSaleAdmitterWorkflow } from './on-sale-admitter.workflow.ts';
