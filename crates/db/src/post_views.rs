//! Read model for the `Post` shape: one query returns a post with its owner, licence and
//! files, so lists and permalinks need a single round trip.
use sqlx::PgExecutor;

use crate::posts::PostRow;
use crate::users::UserRow;
use crate::DbResult;

#[derive(Debug, Clone, serde::Deserialize)]
pub struct FileRow {
    #[serde(default)]
    pub post_id: i64,
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
        "select post_id, format, file_bytes, is_native from post_files where post_id = $1 order by is_native desc, format",
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

/// Loads many posts as views, in the order of `ids`; ids that do not exist (or whose owner is
/// gone) are skipped. Four queries whatever the page size.
pub async fn load_many(pool: &sqlx::PgPool, ids: &[i64]) -> DbResult<Vec<PostView>> {
    use std::collections::HashMap;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let posts = crate::posts::find_by_ids(pool, ids).await?;
    let mut owner_ids: Vec<i32> = posts.iter().map(|p| p.owner_id).collect();
    owner_ids.sort_unstable();
    owner_ids.dedup();
    let owners: HashMap<i32, UserRow> = crate::user_views::find_by_ids(pool, &owner_ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let licenses: HashMap<i32, LicenseRow> = all_licenses(pool)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let mut files: HashMap<i64, Vec<FileRow>> = HashMap::new();
    for f in sqlx::query_as!(
        FileRow,
        "select post_id, format, file_bytes, is_native from post_files where post_id = any($1) order by is_native desc, format",
        ids
    )
    .fetch_all(pool)
    .await?
    {
        files.entry(f.post_id).or_default().push(f);
    }
    let mut by_id: HashMap<i64, PostRow> = posts.into_iter().map(|p| (p.id, p)).collect();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(post) = by_id.remove(id) else {
            continue;
        };
        let Some(owner) = owners.get(&post.owner_id).cloned() else {
            continue;
        };
        out.push(PostView {
            license: post.license_id.and_then(|l| licenses.get(&l).cloned()),
            files: files.remove(id).unwrap_or_default(),
            owner,
            post,
        });
    }
    Ok(out)
}
