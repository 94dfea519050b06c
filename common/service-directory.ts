// Every domain service as the rest of the platform knows it before any of its code loads: its name, its default
// port and the public resources the gateway sends it. The configuration, the gateway and `npm start` read this list;
// what the service is inside lives in its manifest (workers/<service>.service.ts). A nested resource (`events/checkins`:
// `/events/{id}/checkins…`) belongs to its own service, whoever owns the resource above it.
export const SERVICE_DIRECTORY = {
  users: { port: 8000, resources: ['auth', 'users'], nested: [] },
  events: { port: 8001, resources: ['events', 'venues'], nested: [] },
  bookings: {
    port: 8002,
    resources: ['bookings', 'tickets'],
    nested: ['events/checkins', 'events/sales', 'events/waiting-list', 'events/on-sale', 'events/queue'],
  },
  payments: { port: 8003, resources: ['payments'], nested: [] },
} as const satisfies Record<string, { port: number; resources: readonly string[]; nested: readonly `${string}/${string}`[] }>;

export type ServiceName = keyof typeof SERVICE_DIRECTORY;

export const SERVICE_NAMES = Object.keys(SERVICE_DIRECTORY) as ServiceName[];

export function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(SERVICE_DIRECTORY, name);
}
