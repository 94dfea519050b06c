// The routes that answer a repeat of a keyed request (the same Idempotency-Key, caller and body) with the first
// request's outcome. The gateway sends a request that one instance may have received to another only on these (or
// with a method that is idempotent anyway). tests/openapi-docs.test.ts holds this list to the services' documents: it
// is exactly the operations that take the Idempotency-Key header.
export const KEYED_ROUTES = [
  'POST /auth/register',
  'POST /bookings',
  'POST /bookings/{id}/cancel',
  'POST /bookings/{id}/pay',
  'POST /events',
  'POST /events/{id}/cancel',
  'POST /events/{id}/complete',
  'POST /events/{id}/publish',
  'POST /payments/{id}/refunds',
  'POST /tickets/{id}/transfers',
  'POST /venues',
] as const;

const MATCHERS = KEYED_ROUTES.map((route) => {
  const [method, path] = route.split(' ') as [string, string];
  return { method, pattern: new RegExp(`^${path.replace(/\{[^}/]+\}/g, '[^/]+')}$`) };
});

/** Whether a repeat of this keyed request gets the first one's outcome; `path` is a service path, query excluded. */
export function honorsIdempotencyKey(method: string, path: string): boolean {
  return MATCHERS.some((m) => m.method === method.toUpperCase() && m.pattern.test(path));
}
