-- Reactions and comments, and the per-post counters the listings sort and filter on.
-- The counters are kept by triggers so no write path can forget them.

alter table posts
    add column reaction_count integer not null default 0,
    add column comment_count integer not null default 0;

create table reactions (
    id bigint primary key generated always as identity,
    post_id bigint not null references posts (id) on delete cascade,
    user_id integer references users (id) on delete cascade,
    -- Anonymous reactions are keyed by a salted hash of the address, never the address.
    user_ip text,
    emoji varchar(20) not null,
    created_at timestamptz not null default now(),
    check ((user_id is null) <> (user_ip is null))
);
create unique index uq_reactions_user on reactions (post_id, user_id, emoji) where user_id is not null;
create unique index uq_reactions_ip on reactions (post_id, user_ip, emoji) where user_ip is not null;
create index reactions_user_created on reactions (user_id, created_at desc) where user_id is not null;

create table comments (
    id uuid primary key default gen_random_uuid(),
    post_id bigint not null references posts (id) on delete cascade,
    author_id integer references users (id) on delete set null,
    author_ip text,
    parent_id uuid references comments (id) on delete cascade,
    depth smallint not null default 0 check (depth between 0 and 2),
    body varchar(2000) not null,
    original_body varchar(2000),
    hidden_by_mod boolean not null default false,
    deleted_by_owner boolean not null default false,
    deleted_by_mod boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index comments_post_created on comments (post_id, created_at);
create trigger comments_updated_at before update on comments for each row execute function set_updated_at();

create function reactions_count() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        update posts set reaction_count = reaction_count + 1 where id = new.post_id;
    elsif tg_op = 'DELETE' then
        update posts set reaction_count = greatest(reaction_count - 1, 0) where id = old.post_id;
    end if;
    return null;
end $$;
create trigger reactions_count after insert or delete on reactions
    for each row execute function reactions_count();

-- A comment counts while it is neither deleted nor hidden.
create function comments_count() returns trigger language plpgsql as $$
declare
    was boolean := false;
    now_live boolean := false;
begin
    if tg_op in ('UPDATE', 'DELETE') then
        was := not (old.hidden_by_mod or old.deleted_by_owner or old.deleted_by_mod);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        now_live := not (new.hidden_by_mod or new.deleted_by_owner or new.deleted_by_mod);
    end if;
    if was and not now_live then
        update posts set comment_count = greatest(comment_count - 1, 0) where id = old.post_id;
    elsif now_live and not was then
        update posts set comment_count = comment_count + 1 where id = new.post_id;
    end if;
    return null;
end $$;
create trigger comments_count after insert or update or delete on comments
    for each row execute function comments_count();
