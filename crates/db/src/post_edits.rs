//! Writes that change an existing post: author edits, soft and hard deletion, and the
//! moderator flags (hide, approval, promotion, moderator hashtags). Every fn runs on the
//! caller's transaction, after [`lock`] has taken the row, so checks and writes agree.
use sqlx::PgConnection;

use crate::posts::PostRow;
use crate::DbResult;

/// Takes the post's row lock for the rest of the transaction (hashtag writes are
/// read-modify-write against `mod_hashtags`, so a concurrent edit must wait).
pub async fn lock(conn: &mut PgConnection, id: i64) -> DbResult<Option<PostRow>> {
    let row = sqlx::query_as!(
        PostRow,
        r#"
        select id, storage_key, public_sqid, kind, owner_id, title, description, hashtags,
               mod_hashtags, storage_shard, native_format, width, height, file_bytes, frame_count,
               min_frame_duration_ms, max_frame_duration_ms, total_duration_ms, unique_colors,
               transparency_meta, alpha_meta, transparency_actual, alpha_actual, hash, visible,
               hidden_by_user, hidden_by_mod, non_conformant, public_visibility, deleted_by_user,
               deleted_by_user_date, promoted, promoted_category, metadata_modified_at,
               artwork_modified_at, dwell_time_ms, view_count, reaction_count, comment_count,
               license_id, remixable, created_at, updated_at
        from posts where id = $1
        for update
        "#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// The fields `PATCH /post/{id}` may change; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct PostEdit<'a> {
    pub title: Option<&'a str>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<&'a str>>,
    /// The effective list (author tags with the moderator tags merged back in).
    pub hashtags: Option<&'a [String]>,
    pub hidden_by_user: Option<bool>,
    pub hidden_by_mod: Option<bool>,
    pub remixable: Option<bool>,
}

/// Applies an edit and bumps `metadata_modified_at` (players re-fetch metadata by it).
pub async fn update(conn: &mut PgConnection, id: i64, e: &PostEdit<'_>) -> DbResult<()> {
    let (set_description, description) = match e.description {
        Some(d) => (true, d),
        None => (false, None),
    };
    sqlx::query!(
        r#"
        update posts set
            title = coalesce($2, title),
            description = case when $3 then $4 else description end,
            hashtags = coalesce($5, hashtags),
            hidden_by_user = coalesce($6, hidden_by_user),
            hidden_by_mod = coalesce($7, hidden_by_mod),
            remixable = coalesce($8, remixable),
            metadata_modified_at = now()
        where id = $1
        "#,
        id,
        e.title,
        set_description,
        description,
        e.hashtags,
        e.hidden_by_user,
        e.hidden_by_mod,
        e.remixable,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Soft delete: the post disappears for everyone, and its hash is free again at once (the
/// partial unique index only covers live posts). The row and files go in the daily purge.
pub async fn soft_delete(conn: &mut PgConnection, id: i64) -> DbResult<()> {
    sqlx::query!(
        r#"update posts set deleted_by_user = true, deleted_by_user_date = now(),
                            visible = false, hidden_by_user = true
           where id = $1"#,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_hidden_by_user(conn: &mut PgConnection, id: i64, hidden: bool) -> DbResult<()> {
    sqlx::query!(
        "update posts set hidden_by_user = $2 where id = $1",
        id,
        hidden
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_hidden_by_mod(conn: &mut PgConnection, id: i64, hidden: bool) -> DbResult<()> {
    sqlx::query!(
        "update posts set hidden_by_mod = $2 where id = $1",
        id,
        hidden
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_public_visibility(conn: &mut PgConnection, id: i64, public: bool) -> DbResult<()> {
    sqlx::query!(
        "update posts set public_visibility = $2 where id = $1",
        id,
        public
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Promotes into `category`, or demotes when it is `None`.
pub async fn set_promotion(
    conn: &mut PgConnection,
    id: i64,
    category: Option<&str>,
) -> DbResult<()> {
    sqlx::query!(
        "update posts set promoted = $2::text is not null, promoted_category = $2 where id = $1",
        id,
        category
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores the moderator tags and the effective list they were merged into.
pub async fn set_mod_hashtags(
    conn: &mut PgConnection,
    id: i64,
    hashtags: &[String],
    mod_hashtags: &[String],
) -> DbResult<()> {
    sqlx::query!(
        r#"update posts set hashtags = $2, mod_hashtags = $3, metadata_modified_at = now()
           where id = $1"#,
        id,
        hashtags,
        mod_hashtags
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes the row for good; files rows, reactions, comments, playlist items and stats go
/// with it (cascades). The caller removes the vault files after commit.
pub async fn hard_delete(conn: &mut PgConnection, id: i64) -> DbResult<()> {
    sqlx::query!("delete from posts where id = $1", id)
        .execute(conn)
        .await?;
    Ok(())
}
