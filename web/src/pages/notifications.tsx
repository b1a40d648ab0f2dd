// `/notifications`: everything that happened to you, newest first; live items join the top,
// and opening the page marks all read.
import Link from 'next/link';
import { useEffect, useMemo } from 'react';
import { api, qs } from '@/api/browser';
import type { Notification, NotificationPage } from '@/api/types';
import { Layout } from '@/components/Layout';
import { PagerFooter } from '@/components/PostGrid';
import { useCursorPager } from '@/hooks/useCursorPager';
import { useNotifications } from '@/hooks/useNotifications';
import { useRequireAuth } from '@/hooks/useRequireAuth';
import { timeAgo } from '@/lib/format';

function sentence(n: Notification): string {
  const who = n.actor_handle ?? 'Someone';
  const what = n.content_title ? `“${n.content_title}”` : 'your post';
  switch (n.notification_type) {
    case 'reaction': return `${who} reacted ${n.emoji ?? ''} to ${what}`;
    case 'comment': return `${who} commented on ${what}`;
    case 'comment_reply': return `${who} replied to your comment on ${what}`;
    case 'comment_like': return `${who} liked your comment on ${what}`;
    case 'follow': return `${who} started following you`;
    case 'post_promoted': return `${what} was promoted`;
    case 'post_approved': return `${what} was approved and is public now`;
    case 'trust_granted': return 'Your posts no longer wait for review';
    case 'moderator_granted': return 'You are a moderator now';
    case 'moderator_revoked': return 'You are no longer a moderator';
    case 'mod_hashtags_updated': return `Moderators changed the tags of ${what}`;
    default: return `${who}: ${n.notification_type.replace(/_/g, ' ')}`;
  }
}

export default function Notifications() {
  const { ready, session } = useRequireAuth();
  const { live, markAllRead } = useNotifications();
  const pager = useCursorPager<Notification>(
    `notifications:${session?.userId ?? 'anon'}`,
    (cursor) => api().json<NotificationPage>(`/v1/social-notifications/${qs({ cursor, limit: 50 })}`),
    (n) => n.id,
    ready && !!session,
  );
  useEffect(() => {
    if (ready && session) void markAllRead().catch(() => undefined);
  }, [ready, session, markAllRead]);

  const items = useMemo(() => {
    const ids = new Set(pager.items.map((n) => n.id));
    return [...live.filter((n) => !ids.has(n.id)), ...pager.items];
  }, [live, pager.items]);

  return (
    <Layout title="Notifications">
      <h1>Notifications</h1>
      <ul className="rows" aria-label="Notifications">
        {items.map((n) => (
          <li key={n.id}>
            {!n.is_read && <span className="unread-dot" aria-label="Unread" />}
            {n.actor_avatar_url && n.actor_public_sqid ? (
              <Link href={`/u/${n.actor_public_sqid}`} aria-label={`${n.actor_handle}'s profile`}>
                <img className="avatar avatar-sm" src={n.actor_avatar_url} alt="" width={28} height={28} />
              </Link>
            ) : null}
            <div className="grow">
              <p style={{ margin: 0 }}>{sentence(n)}</p>
              {n.comment_preview && <p className="muted small" style={{ margin: 0 }}>“{n.comment_preview}”</p>}
              <time className="muted small" dateTime={n.created_at}>{timeAgo(n.created_at)}</time>
            </div>
            {n.content_art_url && n.content_sqid && (
              <Link href={`/p/${n.content_sqid}`} aria-label={`Open ${n.content_title ?? 'the post'}`}>
                <img className="thumb pixel-art" src={n.content_art_url} alt="" width={64} height={64} />
              </Link>
            )}
          </li>
        ))}
      </ul>
      {session && <PagerFooter pager={pager} empty="No notifications yet." />}
    </Layout>
  );
}
