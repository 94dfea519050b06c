// Which service answers which public path under /api/v1.
import { SERVICE_DIRECTORY, SERVICE_NAMES, type ServiceName } from '../../common/service-directory.ts';

export const API_PREFIX = '/api/v1';

/** Public resource → the service that answers it, from the service directory. */
export const ROUTE_TABLE: Record<string, ServiceName> = Object.fromEntries(
  SERVICE_NAMES.flatMap((service) => SERVICE_DIRECTORY[service].resources.map((resource) => [resource, service])),
);

/** `resource/nested` → the service that answers `/resource/{id}/nested…` (the bookings service's event doors). */
const NESTED_TABLE: Record<string, ServiceName> = Object.fromEntries(
  SERVICE_NAMES.flatMap((service) => SERVICE_DIRECTORY[service].nested.map((nested: string) => [nested, service])),
);

/** The service answering a path below /api/v1 (`/events/…/checkins/summary`), or undefined for an unknown resource. */
export function serviceFor(path: string): ServiceName | undefined {
  const [, resource = '', , nested] = path.split('/');
  return (nested !== undefined ? NESTED_TABLE[`${resource}/${nested}`] : undefined) ?? ROUTE_TABLE[resource];
}

/** The first segment of a path below /api/v1: its resource. */
export const resourceOf = (path: string): string => path.split('/')[1] ?? '';
