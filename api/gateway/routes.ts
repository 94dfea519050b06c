// Which service answers which public prefix under /api/v1.
import type { ServiceName } from '../../common/config.ts';

export const API_PREFIX = '/api/v1';

export const ROUTE_TABLE: Record<string, ServiceName> = {
  auth: 'users',
  users: 'users',
  events: 'events',
  venues: 'events',
  bookings: 'bookings',
  payments: 'payments',
};

export function prefixesOf(service: ServiceName): string[] {
  return Object.entries(ROUTE_TABLE)
    .filter(([, owner]) => owner === service)
    .map(([prefix]) => `/${prefix}`);
}
