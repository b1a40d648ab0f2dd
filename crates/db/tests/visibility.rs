//! The SQL discovery rule (`post_discoverable`) and the Rust one agree on every combination of
//! the flags they read, so listings and permalinks can never disagree about a post.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use domain::visibility::{is_discoverable, PostFlags};
use sqlx::PgPool;

#[sqlx::test(migrations = "../../migrations")]
async fn sql_and_rust_discovery_rules_agree(pool: PgPool) {
    let owner: i32 = sqlx::query_scalar(
        "insert into users (public_sqid, handle, handle_normalized, email, email_normalized)
         values ('u1', 'owner1', 'owner1', 'o@example.com', 'o@example.com') returning id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    for bits in 0u8..64 {
        let f = PostFlags {
            owner_id: owner,
            visible: bits & 1 != 0,
            hidden_by_user: bits & 2 != 0,
            hidden_by_mod: bits & 4 != 0,
            non_conformant: bits & 8 != 0,
            public_visibility: bits & 16 != 0,
            deleted_by_user: bits & 32 != 0,
        };
        let id: i64 = sqlx::query_scalar(
            "insert into posts (public_sqid, owner_id, title, visible, hidden_by_user, hidden_by_mod,
                                non_conformant, public_visibility, deleted_by_user)
             values ($1, $2, 't', $3, $4, $5, $6, $7, $8) returning id",
        )
        .bind(format!("p{bits}"))
        .bind(owner)
        .bind(f.visible)
        .bind(f.hidden_by_user)
        .bind(f.hidden_by_mod)
        .bind(f.non_conformant)
        .bind(f.public_visibility)
        .bind(f.deleted_by_user)
        .fetch_one(&pool)
        .await
        .unwrap();
        let sql = db::posts::is_discoverable(&pool, id).await.unwrap();
        assert_eq!(sql, is_discoverable(&f), "flags {f:?}");
    }
}
