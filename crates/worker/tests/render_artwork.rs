//! Renditions: a post deleted or replaced while its job waits gets no files and no rows.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use std::io::Cursor;

use common::Harness;
use jobs::RenderArtwork;
use sqlx::PgPool;
use uuid::Uuid;
use worker::jobs::render_artwork::{render, Rendered};

fn png() -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(32, 32, image::Rgba([1, 2, 3, 255]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn post_with_file(h: &Harness, owner: i32) -> (i64, Uuid) {
    let key = Uuid::new_v4();
    let id: i64 = sqlx::query_scalar(
        "insert into posts (public_sqid, owner_id, title, storage_key, storage_shard, native_format, width, height)
         values ($1, $2, 't', $3, $4, 'png', 32, 32) returning id",
    )
    .bind(format!("s{}", key.simple()))
    .bind(owner)
    .bind(key)
    .bind(vault::shard(&key))
    .fetch_one(&h.deps.pool)
    .await
    .unwrap();
    h.deps
        .vault
        .write(vault::Area::Artwork, &key, vault::Ext::Png, &png())
        .await
        .unwrap();
    (id, key)
}

#[sqlx::test(migrations = "../../migrations")]
async fn renders_once_and_skips_deleted_or_replaced_posts(pool: PgPool) {
    let h = Harness::new(pool.clone()).await;
    let owner = h.create_user("painter", true, &["user"]).await;
    let (id, key) = post_with_file(&h, owner.id).await;
    let job = RenderArtwork {
        post_id: id,
        storage_key: key,
    };
    assert_eq!(
        render(&h.deps, &job).await.unwrap(),
        Rendered::Done { files: 4 }
    );
    assert_eq!(
        render(&h.deps, &job).await.unwrap(),
        Rendered::Done { files: 4 },
        "idempotent"
    );
    let rows: i64 = sqlx::query_scalar("select count(*) from post_files where post_id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        rows, 4,
        "webp, gif, bmp and the upscaled preview; the native png is skipped"
    );

    let (gone, gone_key) = post_with_file(&h, owner.id).await;
    sqlx::query("update posts set deleted_by_user = true where id = $1")
        .bind(gone)
        .execute(&pool)
        .await
        .unwrap();
    let r = render(
        &h.deps,
        &RenderArtwork {
            post_id: gone,
            storage_key: gone_key,
        },
    )
    .await
    .unwrap();
    assert_eq!(r, Rendered::Gone);
    assert!(!h
        .deps
        .vault
        .path(vault::Area::Artwork, &gone_key, vault::Ext::Webp)
        .exists());

    let (replaced, _) = post_with_file(&h, owner.id).await;
    let r = render(
        &h.deps,
        &RenderArtwork {
            post_id: replaced,
            storage_key: Uuid::new_v4(),
        },
    )
    .await
    .unwrap();
    assert_eq!(r, Rendered::Stale);
    let rows: i64 = sqlx::query_scalar("select count(*) from post_files where post_id = $1")
        .bind(replaced)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 0);
}
