// The skeleton's worker as a process of its own (as Eventix's bookings worker is): polls SKELETON_TASK_QUEUE on
// TEMPORAL_ADDRESS with the prebuilt bundle SKELETON_BUNDLE, and stops with its parent (SIGTERM is the Temporal
// runtime's own shutdown signal).
import { NativeConnection, Worker } from '@temporalio/worker';
import { createSkeletonActivities } from './activities.ts';

const address = process.env.TEMPORAL_ADDRESS!;
const taskQueue = process.env.SKELETON_TASK_QUEUE!;
const codePath = process.env.SKELETON_BUNDLE!;

const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  namespace: 'default',
  taskQueue,
  workflowBundle: { codePath },
  activities: createSkeletonActivities(),
});
process.once('disconnect', () => worker.shutdown());
console.log('skeleton worker polling');
await worker.run();
await connection.close();
// The IPC channel to the parent would keep the process alive.
process.exit(0);
