//! External sign-in identities (GitHub) linked to users.
use sqlx::{PgConnection, PgExecutor};

use crate::DbResult;

pub async fn find_user(
    ex: impl PgExecutor<'_>,
    provider: &str,
    provider_user_id: &str,
) -> DbResult<Option<i32>> {
    let id = sqlx::query_scalar!(
        "select user_id from auth_identities where provider = $1 and provider_user_id = $2",
        provider,
        provider_user_id
    )
    .fetch_optional(ex)
    .await?;
    Ok(id)
}

/// Links an identity; linking the same identity to the same user again is a no-op.
pub async fn link(
    conn: &mut PgConnection,
    user_id: i32,
    provider: &str,
    provider_user_id: &str,
    login: &str,
) -> DbResult<()> {
    sqlx::query!(
        r#"insert into auth_identities (user_id, provider, provider_user_id, provider_login)
           values ($1, $2, $3, $4)
           on conflict (provider, provider_user_id) do update set provider_login = excluded.provider_login
           where auth_identities.user_id = excluded.user_id"#,
        user_id,
        provider,
        provider_user_id,
        login
    )
    .execute(conn)
    .await?;
    Ok(())
}
