// A place in the queue in words: its position, the people ahead and the wait, as people say them.
import type { QueuePlace } from './queue-api.ts';

/** "less than a minute", "about 4 minutes", "about 2 hours". */
export function waitWords(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
  const hours = Math.round(minutes / 60);
  return `about ${hours} ${hours === 1 ? 'hour' : 'hours'}`;
}

export function aheadWords(people: number): string {
  if (people === 0) return 'Nobody is ahead of you.';
  return people === 1 ? '1 person is ahead of you.' : `${people.toLocaleString('en-GB')} people are ahead of you.`;
}

/** The waiting place in one sentence, for screen readers (told now and then, not at every change). */
export function positionSentence(place: QueuePlace): string {
  const parts = [`You are number ${place.position ?? '?'} in the queue.`];
  if (place.peopleAhead !== null) parts.push(aheadWords(place.peopleAhead));
  if (place.estimatedWaitSeconds !== null) parts.push(`Estimated wait: ${waitWords(place.estimatedWaitSeconds)}.`);
  return parts.join(' ');
}
