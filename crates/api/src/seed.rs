//! Idempotent seeding: the owner account from `MAKAPIX_OWNER_EMAIL`/`MAKAPIX_OWNER_PASSWORD`.
//! Re-running updates the owner's password to the configured one and changes nothing else.
use anyhow::Context;
use domain::{Email, NewPassword};

use crate::accounts::{self, CreateUser};
use crate::state::AppState;

pub async fn run(state: &AppState) -> anyhow::Result<()> {
    let (Some(email), Some(password)) = (&state.config.owner_email, &state.config.owner_password)
    else {
        tracing::info!("MAKAPIX_OWNER_EMAIL/PASSWORD not set; no owner seeded");
        return Ok(());
    };
    let email = Email::parse(email).context("MAKAPIX_OWNER_EMAIL")?;
    NewPassword::parse(password.expose()).context("MAKAPIX_OWNER_PASSWORD is too weak")?;
    let hash = accounts::hash_password(password.expose().to_string())
        .await
        .map_err(|e| anyhow::anyhow!("hashing: {}", e.message))?;
    let mut tx = state.db.begin().await?;
    if let Some(owner) = db::users::find_owner(&state.db).await? {
        db::users::set_password(&mut tx, owner.id, &hash).await?;
        tx.commit().await?;
        tracing::info!(owner = %owner.public_sqid, "owner already present; password refreshed");
        return Ok(());
    }
    let handle = domain::Handle::parse("owner")?;
    let roles = ["user", "moderator", "owner"].map(String::from);
    let owner = accounts::create_user(
        &mut tx,
        state,
        CreateUser {
            email: &email,
            handle: handle.as_str(),
            handle_normalized: &handle.normalized(),
            password_hash: Some(&hash),
            email_verified: true,
            roles: &roles,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("creating owner: {}", e.message))?;
    tx.commit().await?;
    tracing::info!(owner = %owner.public_sqid, "owner account created");
    Ok(())
}
