//! Read model for the `Post` shape: one query returns a post with its owner, licence and
//! files, so lists and permalinks need a single round trip.
use sqlx::PgExecutor;

use crate::posts::PostRow;
use crate::users::UserRow;
use crate::DbResult;

#[derive(Debug, Clone, serde::Deserialize)]
pub struct FileRow {
    pub format: String,
    pub file_bytes: i64,
    pub is_native: bool,
}

#[derive(Debug, Clone)]
pub struct LicenseRow {
    pub id: i32,
    pub identifier: String,
    pub title: String,
    pub canonical_url: String,
    pub badge_path: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PostView {
    pub post: PostRow,
    pub owner: UserRow,
    pub license: Option<LicenseRow>,
    pub files: Vec<FileRow>,
}

pub async fn files_of(ex: impl PgExecutor<'_>, post_id: i64) -> DbResult<Vec<FileRow>> {
    let rows = sqlx::query_as!(
        FileRow,
        "select format, file_bytes, is_native from post_files where post_id = $1 order by is_native desc, format",
        post_id
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

pub async fn license(ex: impl PgExecutor<'_>, id: i32) -> DbResult<Option<LicenseRow>> {
    let row = sqlx::query_as!(
        LicenseRow,
        "select id, identifier, title, canonical_url, badge_path from licenses where id = $1",
        id
    )
    .fetch_optional(ex)
    .await?;
    Ok(row)
}

pub async fn all_licenses(ex: impl PgExecutor<'_>) -> DbResult<Vec<LicenseRow>> {
    let rows = sqlx::query_as!(
        LicenseRow,
        "select id, identifier, title, canonical_url, badge_path from licenses order by id"
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

/// Storage a user occupies: every stored variant of their live posts.
pub async fn storage_used(ex: impl PgExecutor<'_>, owner_id: i32) -> DbResult<i64> {
    let n = sqlx::query_scalar!(
        r#"select coalesce(sum(f.file_bytes), 0)::int8 as "n!" from post_files f
           join posts p on p.id = f.post_id
           where p.owner_id = $1 and not p.deleted_by_user"#,
        owner_id
    )
    .fetch_one(ex)
    .await?;
    Ok(n)
}

/// Loads one post as a view (owner, licence, files); `None` if the post does not exist.
pub async fn load(pool: &sqlx::PgPool, id: i64) -> DbResult<Option<PostView>> {
    let Some(post) = crate::posts::find_by_id(pool, id).await? else {
        return Ok(None);
    };
    let Some(owner) = crate::users::find_by_id(pool, post.owner_id).await? else {
        return Ok(None);
    };
    let license = match post.license_id {
        Some(l) => license(pool, l).await?,
        None => None,
    };
    let files = files_of(pool, id).await?;
    Ok(Some(PostView {
        post,
        owner,
        license,
        files,
    }))
}
