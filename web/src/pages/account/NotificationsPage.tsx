// My notifications, newest first, with the unread count; mark one or all read.
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { must, problemOf, type Problem } from '../../api/problems.ts';
import type { Notification } from '../../components/account/types.ts';
import { publishUnread } from '../../components/account/unread-count.ts';
import { useLoaded } from '../../components/common/use-loaded.ts';
import { Loading } from '../../components/common/Loading.tsx';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';

async function loadNotifications() {
  const page = await must(api.users.GET('/users/me/notifications', { params: { query: { limit: 50 } } }));
  publishUnread(page.unreadCount);
  return page;
}

function NotificationItem({ item, onRead }: { item: Notification; onRead: (id: string) => Promise<void> }) {
  const unread = item.readAt === null;
  return (
    <li className={unread ? 'notification unread' : 'notification'}>
      <h2>
        {item.title}
        {unread && <span className="visually-hidden"> (unread)</span>}
      </h2>
      <p>{item.body}</p>
      <p className="sub">
        <time dateTime={item.createdAt}>{new Date(item.createdAt).toLocaleString('en-GB')}</time>
        {unread && (
          <>
            {' '}
            <button type="button" onClick={() => onRead(item.id)}>
              Mark “{item.title}” read
            </button>
          </>
        )}
      </p>
    </li>
  );
}

export function NotificationsPage() {
  const { data, problem, reload } = useLoaded(loadNotifications, []);
  const [actionProblem, setActionProblem] = useState<Problem>();

  const act = async (call: () => Promise<unknown>) => {
    setActionProblem(undefined);
    try {
      await call();
      await reload();
    } catch (err) {
      setActionProblem(problemOf(err));
    }
  };
  const markOne = (id: string) => act(() => must(api.users.POST('/users/me/notifications/{id}/read', { params: { path: { id } } })));
  const markAll = () => act(() => must(api.users.POST('/users/me/notifications/read-all', {})));

  if (problem && !data) return <ProblemMessage problem={problem} />;
  if (!data) return <Loading what="your notifications" />;
  return (
    <section className="account-page">
      <h1>Notifications</h1>
      <p aria-live="polite" role="status">
        {data.unreadCount === 0 ? 'No unread notifications.' : `${data.unreadCount} unread`}
      </p>
      {data.unreadCount > 0 && (
        <button type="button" onClick={markAll}>
          Mark all read
        </button>
      )}
      <ProblemMessage problem={actionProblem} />
      {data.items.length === 0 ? (
        <p>Nothing yet: confirmations, refunds and tickets sent to you show here.</p>
      ) : (
        <ul className="notification-list" aria-label="Your notifications">
          {data.items.map((n) => (
            <NotificationItem key={n.id} item={n} onRead={markOne} />
          ))}
        </ul>
      )}
    </section>
  );
}
