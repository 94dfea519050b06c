// Every domain service as the rest of the platform knows it before any of its code loads: its name, its default
// port and the public resources the gateway sends it. The configuration, the gateway and `npm start` read this list;
// what the service is inside lives in its manifest (workers/<service>.service.ts).
export const SERVICE_DIRECTORY = {
  users: { port: 8000, resources: ['auth', 'users'] },
  events: { port: 8001, resources: ['events', 'venues'] },
  bookings: { port: 8002, resources: ['bookings'] },
  payments: { port: 8003, resources: ['payments'] },
} as const satisfies Record<string, { port: number; resources: readonly string[] }>;

export type ServiceName = keyof typeof SERVICE_DIRECTORY;

export const SERVICE_NAMES = Object.keys(SERVICE_DIRECTORY) as ServiceName[];

export function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(SERVICE_DIRECTORY, name);
}
