//! Product limits published by `GET /v1/config` and enforced across the API.

pub const MAX_COMMENT_DEPTH: u32 = 2;
pub const MAX_COMMENTS_PER_POST: u32 = 1000;
pub const MAX_EMOJIS_PER_USER_PER_POST: u32 = 5;
pub const MAX_HASHTAGS_PER_POST: u32 = 64;
pub const MAX_MOD_HASHTAGS_PER_POST: u32 = 16;
pub const MAX_ART_FILE_BYTES: u64 = 5 * 1024 * 1024;
pub const FREE_FORM_MIN: u32 = 128;
pub const FREE_FORM_MAX: u32 = 256;
pub const MAX_BLOCKS_PER_USER: i64 = 1000;
pub const MAX_PLAYERS_PER_USER: i64 = 128;
pub const MKPX_MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
pub const UPLOAD_FORMATS: [&str; 4] = ["png", "gif", "webp", "bmp"];
pub const MONITORED_HASHTAGS: [&str; 5] = ["politics", "nsfw", "explicit", "13plus", "violence"];

/// Sizes below the free-form range that are still accepted.
pub const SMALL_WHITELIST: [(u32, u32); 14] = [
    (8, 8),
    (8, 16),
    (16, 8),
    (8, 32),
    (32, 8),
    (16, 16),
    (16, 32),
    (32, 16),
    (32, 32),
    (32, 64),
    (64, 32),
    (64, 64),
    (64, 128),
    (128, 64),
];

/// Report reasons with their labels, in display order.
pub const REPORT_REASONS: [(&str, &str); 9] = [
    ("spam", "Spam"),
    ("harassment", "Harassment or bullying"),
    ("hate", "Hate speech"),
    ("sexual_explicit", "Sexually explicit content"),
    ("violence_gore", "Violence or gore"),
    ("illegal_csam", "Child sexual abuse material"),
    ("self_harm", "Self-harm"),
    ("copyright", "Copyright infringement"),
    ("other", "Other"),
];

/// Storage quota by reputation (bytes).
pub fn storage_limit_bytes(reputation: i32) -> i64 {
    let mb = match reputation {
        r if r >= 1000 => 1000,
        r if r >= 500 => 500,
        r if r >= 100 => 200,
        _ => 100,
    };
    mb * 1024 * 1024
}

/// Uploads per hour by reputation.
pub fn uploads_per_hour(reputation: i32) -> u32 {
    match reputation {
        r if r >= 500 => 64,
        r if r >= 100 => 16,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers() {
        assert_eq!(storage_limit_bytes(0), 104_857_600);
        assert_eq!(storage_limit_bytes(150), 200 * 1024 * 1024);
        assert_eq!(uploads_per_hour(99), 4);
        assert_eq!(uploads_per_hour(100), 16);
        assert_eq!(uploads_per_hour(500), 64);
    }
}
