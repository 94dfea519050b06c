// The problem answers that several payments routes declare.
import { problemAnswer } from '../../common/http/openapi.ts';

export const PAYMENT_NOT_FOUND = { 404: problemAnswer('No payment of yours with this id (PAYMENT_NOT_FOUND)') };
