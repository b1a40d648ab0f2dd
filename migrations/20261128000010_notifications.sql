-- Social notifications: one row per event per recipient, with the actor and content fields
-- copied in so a list renders without joins and survives the actor's later changes.
create table social_notifications (
    id uuid primary key default gen_random_uuid(),
    user_id integer not null references users (id) on delete cascade,
    notification_type text not null check (notification_type in (
        'reaction', 'comment', 'comment_reply', 'comment_like', 'follow', 'post_promoted',
        'mod_hashtags_updated', 'reputation_change', 'moderator_granted', 'moderator_revoked',
        'new_report', 'report_resolved', 'remix', 'post_approved', 'trust_granted')),
    post_id bigint references posts (id) on delete cascade,
    actor_id integer references users (id) on delete set null,
    actor_handle text,
    actor_avatar_url text,
    actor_public_sqid text,
    emoji varchar(20),
    comment_id uuid,
    comment_preview varchar(200),
    content_title text,
    content_sqid text,
    content_art_url text,
    is_read boolean not null default false,
    created_at timestamptz not null default now()
);
create index social_notifications_user_created on social_notifications (user_id, created_at desc, id desc);
create index social_notifications_unread on social_notifications (user_id, created_at) where not is_read;
create index social_notifications_created on social_notifications (created_at);
