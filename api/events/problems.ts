// The problem answers that several events routes declare.
import { problemAnswer } from '../../common/http/openapi.ts';

export const EVENT_NOT_FOUND = { 404: problemAnswer('No event with this id, or one not published yet (EVENT_NOT_FOUND)') };
export const STATE_CONFLICT = { 409: problemAnswer('The event is not in a state that allows this (EVENT_STATE_CONFLICT)') };
export const NOT_PUBLISHED = { 409: problemAnswer('The event is a draft (EVENT_NOT_PUBLISHED)') };
