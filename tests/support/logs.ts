// Log lines kept in memory: a logger with the services' own options (service, trace ids, redaction), parsed by line.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loggerOptions, type Logger } from '../../common/logger.ts';

export type LogLine = Record<string, unknown>;

/** A logger whose every line lands in `lines` as an object. */
export function capturingLogger(lines: LogLine[], service = 'test', level = 'info'): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return pino({ ...loggerOptions(service), level }, sink);
}
