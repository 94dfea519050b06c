// The skeleton's activities: they do nothing, so only Temporal's own round trips are measured.
export function createSkeletonActivities() {
  return {
    hold: () => Promise.resolve(),
    charge: () => Promise.resolve(),
    confirm: () => Promise.resolve(),
  };
}

export type SkeletonActivities = ReturnType<typeof createSkeletonActivities>;
