//! What every player operation needs: the database, Redis, the sqid codec and the public
//! vault address that `art_url` is built from.
use db::PgPool;
use domain::SqidCodec;
use kv::Kv;

#[derive(Clone)]
pub struct Ctx {
    pub db: PgPool,
    pub kv: Kv,
    pub sqids: SqidCodec,
    /// `VAULT_PUBLIC_BASE_URL` without a trailing slash.
    pub vault_base_url: String,
}
