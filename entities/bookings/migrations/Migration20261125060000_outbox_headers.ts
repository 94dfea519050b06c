export { OutboxHeadersMigration as Migration20261125060000_outbox_headers } from '../../../common/messaging/outbox-headers.migration.ts';
