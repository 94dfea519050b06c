// With an OTLP endpoint configured, spans leave over OTLP/HTTP: the services' own and those made inside workflow
// sandboxes, in one trace. The receiver here stands in for Jaeger or a collector and keeps what it is sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTracing, type Tracing } from '../../common/observability/tracing.ts';
import { bookAndPay } from '../support/bookings.ts';
import { testConfig } from '../support/context.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

type OtlpSpan = { traceId: string; spanId: string; parentSpanId?: string; name: string };
type OtlpRequest = { resourceSpans: { scopeSpans: { scope?: { name: string }; spans: OtlpSpan[] }[] }[] };

describe('OTLP export', () => {
  const received: OtlpSpan[] = [];
  const paths: string[] = [];
  let receiver: Server;
  let tracing: Tracing;
  let platform: TestPlatform;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest;
        for (const resource of body.resourceSpans) for (const scope of resource.scopeSpans) received.push(...scope.spans);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    tracing = installTracing('platform', testConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }));
    platform = await startTestPlatform({ BOOKING_HOLD_TTL_SECONDS: '60' }, {}, undefined, tracing);
  });
  afterAll(async () => {
    await platform?.stop();
    receiver?.close();
  });

  it('sends the spans of a booking, workflow spans included, to the configured endpoint', async () => {
    await bookAndPay(platform, 'exported');
    const names = () => new Set(received.map((s) => s.name));
    // The workflow span is handed over when the workflow ends; flushing sends what the batch holds.
    for (let tries = 0; tries < 50 && !names().has('RunWorkflow:bookingWorkflow'); tries++) {
      await tracing.flush();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(paths.every((p) => p === 'POST /v1/traces application/json')).toBe(true);
    const workflow = received.find((s) => s.name === 'RunWorkflow:bookingWorkflow');
    expect(workflow, 'the workflow span').toBeDefined();
    const trace = received.filter((s) => s.traceId === workflow!.traceId);
    expect(trace.map((s) => s.name)).toEqual(
      expect.arrayContaining(['POST /bookings', 'RunWorkflow:bookingWorkflow', 'RunActivity:confirmSeats', 'RunActivity:chargePayment']),
    );
    // The workflow span keeps its parent: the client span that started it, exported from the service.
    expect(trace.some((s) => s.spanId === workflow!.parentSpanId)).toBe(true);
  });
});
