// The Temporal-only floor of the booking saga: a hold update running one no-op activity, then a pay update running
// two, and the workflow ends. Eventix's saga does the same round trips plus its real work, so the difference between
// the two is what Eventix adds on top of Temporal itself.
import { allHandlersFinished, condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { SkeletonActivities } from './activities.ts';

export const skeletonHold = defineUpdate<{ held: true }>('skeletonHold');
export const skeletonPay = defineUpdate<{ status: 'CONFIRMED' }>('skeletonPay');

const { hold, charge, confirm } = proxyActivities<SkeletonActivities>({ startToCloseTimeout: '30 seconds' });

export async function bookingSkeleton(): Promise<'CONFIRMED'> {
  let paid = false;
  setHandler(skeletonHold, async () => {
    await hold();
    return { held: true } as const;
  });
  setHandler(skeletonPay, async () => {
    await charge();
    await confirm();
    paid = true;
    return { status: 'CONFIRMED' } as const;
  });
  await condition(() => paid && allHandlersFinished());
  return 'CONFIRMED';
}
