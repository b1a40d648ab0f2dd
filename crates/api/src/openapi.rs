//! The OpenAPI document served at `/v1/openapi.json`; routes register themselves in `router.rs`.
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Makapix Club API", version = "1.0.0",
         description = "Pixel-art social network and player plane. Paths are relative to `/api`."),
    servers((url = "/api")),
    modifiers(&BearerAuth),
    tags(
        (name = "system", description = "Health and public configuration"),
        (name = "auth", description = "Accounts and sessions"),
        (name = "users", description = "Profiles, follows and blocks"),
        (name = "posts", description = "Artwork: upload, listings, edits, files, views"),
        (name = "feeds", description = "Promoted, following and hashtag feeds"),
        (name = "playlists", description = "Ordered lists of posts"),
        (name = "hashtags", description = "The hashtag directory"),
        (name = "search", description = "Users, posts and playlists by similarity"),
        (name = "reactions", description = "Emoji reactions on posts"),
        (name = "comments", description = "Comments, replies and likes"),
        (name = "notifications", description = "Social notifications and live delivery"),
        (name = "reports", description = "Reports of users, posts and comments"),
        (name = "admin", description = "Moderation"),
        (name = "players", description = "Player devices: provisioning, registration, credentials, certificates"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
