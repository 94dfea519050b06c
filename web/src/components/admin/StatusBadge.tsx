// An event's status in words, so drafts and published events are never confused.
import type { components } from '../../api/events.gen.ts';

type Status = components['schemas']['Event']['status'];

const WORDS: Record<Status, string> = {
  draft: 'Draft: not visible to customers',
  published: 'Published',
  cancelled: 'Cancelled',
  completed: 'Completed',
};

export function StatusBadge({ status }: { status: Status }) {
  return <span className={`badge status-${status}`}>{WORDS[status]}</span>;
}
