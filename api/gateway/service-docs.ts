// A service's OpenAPI document as the gateway serves it: only the public routes, under /api/v1, with what the gateway
// itself answers on every one of them.
import {
  BEARER_AUTH,
  operationsOf,
  problemAnswerOf,
  pruneComponents,
  withAnswers,
  type Answer,
  type OpenApiDocument,
} from '../../common/http/openapi-document.ts';
import { API_PREFIX } from './routes.ts';

const GATEWAY_TOKEN_CHECK =
  'The gateway checks every token it is sent, on every route: this one was invalid, expired or of an ended session (TOKEN_INVALID, …)';
const NO_INSTANCE = 'No instance of the service is reachable, so none received the request (SERVICE_UNAVAILABLE)';

const GATEWAY_ANSWERS: Record<string, Answer> = {
  502: problemAnswerOf(
    'The connection to the service was lost after the request was sent, so it may have been carried out ' +
      '(UPSTREAM_CONNECTION_LOST; the detail names the request id: look up the outcome, or repeat with the same ' +
      'Idempotency-Key to get it), or the gateway could not complete the request (BAD_GATEWAY)',
  ),
  503: problemAnswerOf(NO_INSTANCE),
  504: problemAnswerOf(
    'The service did not answer in time; the request may still complete (UPSTREAM_TIMEOUT; the detail names the request id)',
  ),
};

/** A status the service declares and the gateway answers too: one answer that names both. */
function alsoSaying(declared: Answer | undefined, more: string): Answer {
  return declared ? { ...declared, description: `${declared.description}; or: ${more}` } : problemAnswerOf(more);
}

/** `isPublic` tells the service's paths the gateway routes to it (`/bookings/{id}`) from its internal ones. */
export function gatewayDocument(doc: OpenApiDocument, isPublic: (path: string) => boolean): OpenApiDocument {
  const paths = Object.fromEntries(Object.entries(doc.paths ?? {}).filter(([path]) => isPublic(path)));
  const cut: OpenApiDocument = { ...doc, servers: [{ url: API_PREFIX, description: 'Eventix gateway' }], paths };
  for (const { operation } of operationsOf(cut)) {
    const declared = operation.responses ?? {};
    // A route that reads tokens says so in its own 401; on any other, a 401 of its own means something else.
    const readsTokens = (operation.security ?? []).some((requirement) => BEARER_AUTH in requirement);
    operation.responses = withAnswers(
      {
        ...declared,
        401: readsTokens && declared[401] ? declared[401] : alsoSaying(declared[401], GATEWAY_TOKEN_CHECK),
        ...(declared[503] ? { 503: alsoSaying(declared[503], NO_INSTANCE) } : {}),
      },
      GATEWAY_ANSWERS,
    );
  }
  return pruneComponents(cut);
}
