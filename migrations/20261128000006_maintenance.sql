-- Scheduled maintenance: the rolling position of jobs that walk a table in batches
-- (check_integrity re-hashes live artworks by ascending post id, wrapping around at the end).
create table job_cursors (
    name text primary key,
    position bigint not null,
    updated_at timestamptz not null default now()
);
