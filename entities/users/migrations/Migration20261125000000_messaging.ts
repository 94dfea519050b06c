export { MessagingTablesMigration as Migration20261125000000_messaging } from '../../messaging/messaging.migration.ts';
