// Traces: one booking is one trace, from the gateway through the bookings service, the workflow and the activities on
// the other services' task queues, to the consumers of its facts; and a 500 names the trace that holds its cause.
// It runs alone, so this process's workers are the only ones on the task queues and every span lands here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { SpanStatusCode } from '@opentelemetry/api';
import { capturingLogger, type LogLine } from '../support/logs.ts';
import { installTracing, SERVICE_ATTRIBUTE } from '../../common/observability/tracing.ts';
import { createGateway } from '../../api/gateway/gateway.app.ts';
import { keepAliveTransport } from '../../api/gateway/proxy.ts';
import { bookAndPay } from '../support/bookings.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { newCustomer } from '../support/users.ts';
import { testConfig } from '../support/context.ts';
import { until } from '../support/wait.ts';
import { caller } from '../support/http.ts';
import { openServiceOrm } from '../../common/db/orm.ts';
import { ormSettings } from '../../workers/services.ts';
import type { ServiceName } from '../../common/config.ts';

const exporter = new InMemorySpanExporter();
const tracing = installTracing('platform', testConfig(), [new SimpleSpanProcessor({ exporter })]);

const id = (span: ReadableSpan) => span.spanContext().spanId;
const traceOf = (span: ReadableSpan) => span.spanContext().traceId;
const serviceOf = (span: ReadableSpan) => span.attributes[SERVICE_ATTRIBUTE];
const spansOf = (traceId: string) => exporter.getFinishedSpans().filter((s) => traceOf(s) === traceId);

describe('traces', () => {
  const lines: LogLine[] = [];
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ BOOKING_HOLD_TTL_SECONDS: '60' }, {}, capturingLogger(lines), tracing);
  });
  afterAll(async () => platform?.stop());

  it('follow one booking from the gateway through the workflow, its activities and its consumers in one trace', async () => {
    exporter.reset();
    // Probes and scrapes make no spans: they would bury the traces that matter.
    for (const path of ['/health', '/ready', '/metrics']) await fetch(`http://127.0.0.1:${platform.services.bookings.port}${path}`);
    await fetch(`${platform.gatewayUrl}/health`);
    await bookAndPay(platform, 'traced');
    expect(exporter.getFinishedSpans().filter((s) => ['/health', '/ready', '/metrics'].includes(String(s.attributes['url.path'])))).toEqual(
      [],
    );

    // The trace of POST /bookings is the one whose gateway span answered it.
    const root = exporter
      .getFinishedSpans()
      .find(
        (s) =>
          serviceOf(s) === 'gateway' && s.attributes['http.request.method'] === 'POST' && s.attributes['url.path'] === '/api/v1/bookings',
      );
    expect(root?.name, 'the gateway span of POST /bookings, named by resource').toBe('POST /api/v1/bookings');
    const traceId = traceOf(root!);
    const named = (name: string, service?: string) =>
      spansOf(traceId).find((s) => s.name === name && (service === undefined || serviceOf(s) === service));
    // The workflow span ends with the workflow, the users service consumes ticket.issued a moment later, and a
    // publish span ends only once the broker confirmed (its consumers may finish first): wait until the tree is whole.
    const whole = () => {
      const ids = new Set(spansOf(traceId).map(id));
      return spansOf(traceId).every((s) => s === root || ids.has(s.parentSpanContext?.spanId ?? ''));
    };
    await until(() => !!named('RunWorkflow:bookingWorkflow') && !!named('consume ticket.issued', 'users') && whole(), 10_000).catch(
      () => undefined, // the assertions below say what is missing
    );

    const spans = spansOf(traceId);
    const bookingsServer = spans.find((s) => serviceOf(s) === 'bookings' && s.name === 'POST /bookings');
    const workflow = named('RunWorkflow:bookingWorkflow')!;
    // The seats are claimed in the events service before the saga starts (the saga adopts that hold), and confirmed
    // by an activity on the events task queue once paid.
    const claim = spans.find((s) => serviceOf(s) === 'events' && s.name === 'POST /internal/holds');
    const confirm = named('RunActivity:confirmSeats')!;
    const charge = named('RunActivity:chargePayment')!;
    const consumed = named('consume ticket.issued', 'users')!;
    expect(bookingsServer, 'the bookings service span').toBeDefined();
    expect(claim, 'the events service span of the claim').toBeDefined();
    expect(confirm, 'the confirm activity span').toBeDefined();
    expect(charge, 'the charge activity span').toBeDefined();
    expect({ confirm: confirm.attributes['temporal.task_queue'], charge: charge.attributes['temporal.task_queue'] }).toEqual({
      confirm: 'events',
      charge: 'payments',
    });
    expect({ confirm: serviceOf(confirm), charge: serviceOf(charge) }).toEqual({ confirm: 'events', charge: 'payments' });

    // Parent links are intact: every span but the gateway's has its parent in the same trace, and the chain from
    // each of these spans climbs to the gateway span.
    const byId = new Map(spans.map((s) => [id(s), s]));
    for (const span of spans) {
      if (span === root) continue;
      expect(byId.has(span.parentSpanContext?.spanId ?? ''), `parent of ${span.name}`).toBe(true);
    }
    const ancestors = (span: ReadableSpan): string[] => {
      const chain: string[] = [];
      for (let at: ReadableSpan | undefined = span; at; at = byId.get(at.parentSpanContext?.spanId ?? '')) chain.push(at.name);
      return chain;
    };
    for (const span of [bookingsServer!, claim!, workflow, confirm, charge, consumed]) {
      expect(ancestors(span).at(-1), `${span.name} climbs to the gateway`).toBe(root!.name);
    }
    expect(ancestors(workflow)).toContain('POST /bookings');
    expect(ancestors(claim!)).toContain('POST /bookings');
    expect(ancestors(confirm)).toContain('RunWorkflow:bookingWorkflow');
    expect(ancestors(charge)).toContain('RunWorkflow:bookingWorkflow');
    expect(ancestors(consumed)).toEqual(expect.arrayContaining(['publish ticket.issued', 'RunWorkflow:bookingWorkflow']));

    // Log lines written inside the trace carry its id: the requests' and the activities'.
    const traced = lines.filter((l) => l.traceId === traceId);
    expect(traced.some((l) => l.msg === 'request' && l.service === 'gateway')).toBe(true);
    expect(traced.some((l) => l.msg === 'request' && l.service === 'bookings')).toBe(true);
  });

  it('start their own trace at the gateway, linking one a client sent instead of adopting it', async () => {
    const clientTrace = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    // Not sampled: a client adopting-gateway would record nothing for this request.
    const answer = await platform.api('GET', '/events', { headers: { traceparent: `00-${clientTrace}-bbbbbbbbbbbbbbbb-00` } });
    expect(answer.status).toBe(200);
    const gateway = exporter.getFinishedSpans().find((s) => s.links[0]?.context.traceId === clientTrace);
    expect(gateway?.name).toBe('GET /api/v1/events');
    expect(traceOf(gateway!)).not.toBe(clientTrace);
    expect(gateway!.parentSpanContext).toBeUndefined();
    expect(spansOf(traceOf(gateway!)).some((s) => serviceOf(s) === 'events' && s.name === 'GET /events')).toBe(true);
    expect(exporter.getFinishedSpans().some((s) => traceOf(s) === clientTrace)).toBe(false);
  });

  const broken: { service: ServiceName; table: string; path: string }[] = [
    { service: 'users', table: 'user_notification', path: '/users/me/notifications' },
    { service: 'events', table: 'event', path: '/events' },
    { service: 'bookings', table: 'booking', path: '/bookings' },
    { service: 'payments', table: 'payment', path: '/payments' },
  ];

  it.each(broken)(
    'answers a 500 of the $service service with its trace id, and logs the cause under it',
    async ({ service, table, path }) => {
      const customer = await newCustomer(platform.api, `broken-${service}`);
      const orm = await openServiceOrm(ormSettings(service, testConfig()), { migrate: false });
      await orm.em.execute(`alter table "${table}" rename to "${table}_away"`);
      let answer;
      try {
        answer = await platform.api('GET', path, { token: customer.accessToken });
      } finally {
        await orm.em.execute(`alter table "${table}_away" rename to "${table}"`);
        await orm.close();
      }
      expect(answer.status).toBe(500);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      const traceId = answer.body.traceId as string;
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      const cause = lines.find((l) => l.traceId === traceId && l.msg === 'unhandled error');
      expect(cause, 'the log line of the failure').toBeDefined();
      expect((cause?.err as { message?: string } | undefined)?.message).toBe(`relation "${table}" does not exist`);
      // The service's span of that request failed, in the same trace as the gateway's.
      const server = spansOf(traceId).find((s) => serviceOf(s) === service && s.attributes['http.response.status_code'] === 500);
      expect(server?.status.code).toBe(SpanStatusCode.ERROR);
      expect(spansOf(traceId).some((s) => serviceOf(s) === 'gateway')).toBe(true);
    },
  );

  it('answers a failure of the gateway itself with its trace id, and logs the cause under it', async () => {
    const upstream = keepAliveTransport();
    const gateway = createGateway({
      config: testConfig(platform.overrides),
      logger: capturingLogger(lines, 'gateway'),
      gatewaySecret: 'not-used-here',
      transport: {
        request: (service, url, options) => {
          if (url.pathname.startsWith('/events')) throw new Error('the upstream client broke');
          return upstream.request(service, url, options);
        },
      },
    });
    const answer = await caller(gateway.app)('GET', '/api/v1/events');
    expect(answer.status).toBe(502);
    expect(answer.body.traceId).toMatch(/^[0-9a-f]{32}$/);
    const cause = lines.find((l) => l.traceId === answer.body.traceId && l.msg === 'gateway error');
    expect(JSON.stringify(cause)).toContain('the upstream client broke');
  });
});
