-- Profile highlights: each member pins up to 128 of their own posts, in an order they choose.
-- Positions run 0..n-1 without gaps. The (user, position) key is checked at the end of each
-- statement (deferrable), so a reorder or a gap-closing shift is one UPDATE.
create table user_highlights (
    id bigint primary key generated always as identity,
    user_id integer not null references users (id) on delete cascade,
    post_id bigint not null references posts (id) on delete cascade,
    position integer not null check (position >= 0),
    created_at timestamptz not null default now(),
    constraint user_highlights_user_post unique (user_id, post_id),
    constraint user_highlights_user_position unique (user_id, position)
        deferrable initially immediate
);
create index user_highlights_post on user_highlights (post_id);
