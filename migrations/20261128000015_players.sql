-- Players (display frames): provisioning, ownership, certificates, device tokens, presence,
-- capabilities/state and the command log. player-protocol.md §0–§3.

create table players (
    id uuid primary key default gen_random_uuid(),
    -- Device identity: topic segment, certificate CN, MQTT username. Lowercase canonical UUID.
    player_key uuid not null unique,
    owner_id integer references users (id) on delete cascade,
    name text check (name is null or char_length(name) between 1 and 100),
    device_model text check (device_model is null or char_length(device_model) <= 100),
    firmware_version text check (firmware_version is null or char_length(firmware_version) <= 50),
    registration_status text not null default 'pending'
        check (registration_status in ('pending', 'registered')),
    registration_code text,
    registration_code_expires_at timestamptz,
    registered_at timestamptz,
    connection_status text not null default 'offline'
        check (connection_status in ('online', 'offline')),
    last_seen_at timestamptz,
    current_post_id bigint references posts (id) on delete set null,
    -- The current certificate; every serial ever issued is also in player_cert_serials.
    cert_pem text,
    key_pem text,
    cert_serial_number text,
    cert_issued_at timestamptz,
    cert_expires_at timestamptz,
    capabilities jsonb,
    capabilities_updated_at timestamptz,
    is_paused boolean,
    brightness integer,
    rotation integer,
    mirror text,
    state_updated_at timestamptz,
    created_at timestamptz not null default now(),
    check ((registration_status = 'registered') = (owner_id is not null))
);
create unique index players_registration_code on players (registration_code)
    where registration_code is not null;
create index players_owner on players (owner_id, created_at) where owner_id is not null;
create index players_online on players (last_seen_at) where connection_status = 'online';
create index players_pending_expiry on players (registration_code_expires_at)
    where registration_status = 'pending';

-- Every certificate serial ever issued. A serial is revoked once its player is gone
-- (player_id null, also after an account purge cascades) or when revoked_at is set; the CRL is
-- rebuilt from this table, so no revocation depends on a side effect succeeding.
create table player_cert_serials (
    serial text primary key,
    player_id uuid references players (id) on delete set null,
    player_key uuid not null,
    issued_at timestamptz not null default now(),
    expires_at timestamptz not null,
    revoked_at timestamptz
);
create index player_cert_serials_player on player_cert_serials (player_id);
create index player_cert_serials_revoked on player_cert_serials (serial)
    where player_id is null or revoked_at is not null;

-- Device bearer tokens (`mpx_live_…`), stored as SHA-256; one active per player.
create table player_tokens (
    id bigint primary key generated always as identity,
    player_id uuid not null references players (id) on delete cascade,
    token_hash bytea not null unique,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
create unique index player_tokens_active on player_tokens (player_id) where revoked_at is null;

-- Commands sent to players; the id is the published command_id, so acks find their row.
create table player_command_logs (
    id uuid primary key,
    player_id uuid not null references players (id) on delete cascade,
    user_id integer references users (id) on delete set null,
    command_type text not null,
    payload jsonb not null default '{}',
    created_at timestamptz not null default now(),
    ack_status text check (ack_status in ('ok', 'error', 'unsupported')),
    ack_error text,
    acked_at timestamptz
);
create index player_command_logs_player on player_command_logs (player_id, created_at desc);
