// The header's link to my notifications, with the unread count (read out as "3 unread").
import { Link } from '../../app/router.tsx';
import { useUnreadCount } from './unread-count.ts';

export function NotificationsLink() {
  const unread = useUnreadCount();
  return (
    <li>
      <Link href="/account/notifications">
        Notifications
        {unread !== undefined && unread > 0 && (
          <span className="unread-count">
            {' '}
            {unread}
            <span className="visually-hidden"> unread</span>
          </span>
        )}
      </Link>
    </li>
  );
}
