export { MessagingTablesMigration as Migration20261125000000_messaging } from '../../../common/messaging/messaging.migration.ts';
