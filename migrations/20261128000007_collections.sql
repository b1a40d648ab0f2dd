-- Playlists, hashtags and search. The trigram indexes search needs already exist
-- (posts_title_trgm, users_handle_trgm); this adds the direct-access rule for SQL listings.

-- Direct access for one viewer (viewer_id null = anonymous): the SQL twin of
-- domain::visibility::can_access, for listings that cannot filter loaded rows one by one
-- (playlists and their items). A test checks the two agree on every flag combination.
create function post_accessible(p posts, viewer_id integer, viewer_is_mod boolean)
returns boolean language sql immutable as $$
    select not p.deleted_by_user
       and (coalesce(viewer_is_mod, false)
            or coalesce(p.owner_id = viewer_id, false)
            or (p.visible and not p.hidden_by_user and not p.hidden_by_mod))
$$;
