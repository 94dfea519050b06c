// The search attributes booking workflows carry, typed: set when a workflow starts and upserted as a booking moves on.
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

export const BOOKING_STATUS = defineSearchAttributeKey('BookingStatus', SearchAttributeType.KEYWORD);
export const EVENT_ID = defineSearchAttributeKey('EventId', SearchAttributeType.KEYWORD);
export const CUSTOMER_ID = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
