-- Likes on comments, one per user per comment; the count is read per post listing, so a
-- comment's likes are found through the unique index.
create table comment_likes (
    id bigint primary key generated always as identity,
    comment_id uuid not null references comments (id) on delete cascade,
    user_id integer not null references users (id) on delete cascade,
    created_at timestamptz not null default now(),
    unique (comment_id, user_id)
);
create index comment_likes_user on comment_likes (user_id);

-- Replies are looked up by parent when a thread is checked and when a parent is removed.
create index comments_parent on comments (parent_id) where parent_id is not null;
-- A user's comments, for account purges and profile tools.
create index comments_author on comments (author_id) where author_id is not null;
