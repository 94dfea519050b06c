// Which service answers which public prefix under /api/v1.
import { SERVICE_DIRECTORY, SERVICE_NAMES, type ServiceName } from '../../common/service-directory.ts';

export const API_PREFIX = '/api/v1';

/** Public resource → the service that answers it, from the service directory. */
export const ROUTE_TABLE: Record<string, ServiceName> = Object.fromEntries(
  SERVICE_NAMES.flatMap((service) => SERVICE_DIRECTORY[service].resources.map((resource) => [resource, service])),
);

export function prefixesOf(service: ServiceName): string[] {
  return Object.entries(ROUTE_TABLE)
    .filter(([, owner]) => owner === service)
    .map(([prefix]) => `/${prefix}`);
}
