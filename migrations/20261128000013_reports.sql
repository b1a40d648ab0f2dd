-- Reports and the moderation queues: what users flag, what moderators decided, and the
-- indexes the moderator lists (reports, audit log, approval queue) page through.
create table reports (
    id uuid primary key default gen_random_uuid(),
    -- Null for anonymous reports, and once the reporter's account is gone.
    reporter_id integer references users (id) on delete set null,
    -- Anonymous reports only: a salted hash of the address, cleared after 30 days.
    reporter_ip text,
    target_type text not null check (target_type in ('user', 'post', 'comment')),
    -- Post: integer id; comment: uuid; user: public sqid.
    target_id text not null,
    reason_code text not null check (reason_code in (
        'spam', 'harassment', 'hate', 'sexual_explicit', 'violence_gore', 'illegal_csam',
        'self_harm', 'copyright', 'other')),
    -- The reporter's text never changes; moderators write to mod_notes.
    notes varchar(2000),
    mod_notes varchar(2000),
    status text not null default 'open' check (status in ('open', 'triaged', 'resolved')),
    action_taken text check (action_taken in ('hide', 'take_down', 'ban', 'none')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index reports_created on reports (created_at desc, id desc);
create index reports_status_created on reports (status, created_at desc, id desc);
create index reports_target on reports (target_type, target_id);
create index reports_reporter on reports (reporter_id, created_at desc) where reporter_id is not null;
create index reports_ip_created on reports (created_at) where reporter_ip is not null;
-- Only a moderator's decision counts as an update (clearing old address hashes does not).
create trigger reports_updated_at before update of status, action_taken, mod_notes on reports
    for each row execute function set_updated_at();

-- Audit log filters (actor, action, target type), newest first.
create index audit_logs_created_id on audit_logs (created_at desc, id desc);
create index audit_logs_actor on audit_logs (actor_id, created_at desc);
create index audit_logs_action on audit_logs (action, created_at desc);
create index audit_logs_target_type on audit_logs (target_type, created_at desc);

-- The approval queue, oldest first.
create index posts_pending_approval on posts (created_at, id)
    where not public_visibility and not deleted_by_user;
