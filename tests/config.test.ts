import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../common/config.ts';

describe('configuration', () => {
  it('uses the documented ports and URLs when nothing is set', () => {
    const config = loadConfig({});
    expect(config.gateway.port).toBe(8080);
    expect(Object.fromEntries(Object.entries(config.services).map(([name, s]) => [name, s.port]))).toEqual({
      users: 8000,
      events: 8001,
      bookings: 8002,
      payments: 8003,
    });
    expect(config.services.bookings.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/eventix_bookings');
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.rabbitmq.url).toBe('amqp://guest:guest@127.0.0.1:5672');
    // The servers are for this machine only until a deployment says otherwise.
    expect(config.host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it("points the gateway at each service's own port unless told otherwise", () => {
    expect(loadConfig({ EVENTS_PORT: '9101' }).services.events.urls).toEqual(['http://127.0.0.1:9101']);
    expect(loadConfig({}).services.payments.urls).toEqual(['http://127.0.0.1:8003']);
  });

  it('reads several upstream instances from a comma-separated list', () => {
    const config = loadConfig({ EVENTS_URLS: 'http://10.0.0.1:8001, http://10.0.0.2:8001/' });
    expect(config.services.events.urls).toEqual(['http://10.0.0.1:8001', 'http://10.0.0.2:8001']);
  });

  it('exports traces only when an OTLP endpoint is set, to /v1/traces under the base endpoint', () => {
    expect(loadConfig({}).tracing.otlpTracesUrl).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/' }).tracing.otlpTracesUrl).toBe('http://jaeger:4318/v1/traces');
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom' }).tracing
        .otlpTracesUrl,
    ).toBe('http://b:4318/custom');
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it('bounds the booking routes’ wait for the saga below the gateway’s upstream timeout by default', () => {
    const config = loadConfig({});
    expect(config.bookings.sagaAnswerMs).toBe(20_000);
    expect(config.bookings.sagaAnswerMs).toBeLessThan(config.gateway.upstreamTimeoutMs);
    expect(loadConfig({ BOOKING_SAGA_ANSWER_MS: '3000' }).bookings.sagaAnswerMs).toBe(3_000);
    expect(() => loadConfig({ BOOKING_SAGA_ANSWER_MS: '0' })).toThrow(/BOOKING_SAGA_ANSWER_MS: expected a positive whole number/);
  });

  it('names the variable and the value when a port is not a number', () => {
    expect(() => loadConfig({ USERS_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ USERS_PORT: 'eighty' })).toThrow(/USERS_PORT: expected a port number .* got "eighty"/);
  });

  it('lists every wrong variable at once', () => {
    try {
      loadConfig({ GATEWAY_PORT: '70000', RABBITMQ_URL: 'http://nope', TEMPORAL_ADDRESS: 'nohost' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as Error).message;
      expect(message).toContain('GATEWAY_PORT');
      expect(message).toContain('RABBITMQ_URL');
      expect(message).toContain('TEMPORAL_ADDRESS');
    }
  });

  it('refuses a database URL of another kind', () => {
    expect(() => loadConfig({ PAYMENTS_DATABASE_URL: 'mysql://root@localhost/payments' })).toThrow(/PAYMENTS_DATABASE_URL/);
  });

  it('never repeats a password from a wrong URL', () => {
    expect(() => loadConfig({ RABBITMQ_URL: 'http://eventix:hunter2@broker:5672' })).toThrow(/RABBITMQ_URL: .*eventix:\*\*\*@broker/);
    expect(() => loadConfig({ RABBITMQ_URL: 'http://eventix:hunter2@broker:5672' })).not.toThrow(/hunter2/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ BOOKINGS_PORT: '' }).services.bookings.port).toBe(8002);
  });
});
