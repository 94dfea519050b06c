// Reachability of PostgreSQL and RabbitMQ, told as one line each with the command that starts what is missing.
import { existsSync, readdirSync } from 'node:fs';
import amqp from 'amqplib';
import { withMaintenanceClient } from '../db/orm.ts';
import { redactUrl } from '../redact.ts';
import { InfraError } from './system.ts';

function postgresStartCommand(): string {
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  return versions.length === 1
    ? `pg_ctlcluster --skip-systemctl-redirect ${versions[0]} main start`
    : 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
}

export async function checkPostgres(clientUrl: string): Promise<void> {
  try {
    await withMaintenanceClient(clientUrl, (client) => client.query('select 1'));
  } catch (err) {
    throw new InfraError(`${(err as Error).message}; start it with: ${postgresStartCommand()}`);
  }
}

export async function checkRabbitMq(amqpUrl: string): Promise<void> {
  try {
    const connection = await amqp.connect(amqpUrl, { timeout: 3_000 });
    await connection.close();
  } catch (err) {
    const reason = (err as Error).message || (err as { code?: string }).code || 'unreachable';
    throw new InfraError(`RabbitMQ is not reachable at ${redactUrl(amqpUrl)} (${reason}); start it with: rabbitmq-server -detached`);
  }
}
