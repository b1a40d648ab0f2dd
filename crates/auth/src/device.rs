//! Device secrets: the `mpx_live_` bearer token players use over HTTPS (stored as SHA-256) and
//! the 6-character registration code owners type in.
use rand::Rng;

use crate::secrets::{random_token, sha256};

pub const API_TOKEN_PREFIX: &str = "mpx_live_";

/// A new device token: the prefix and 43 url-safe characters (32 random bytes).
pub fn new_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", random_token())
}

/// What is stored and looked up; tokens are high-entropy, so a plain digest is enough.
pub fn api_token_hash(token: &str) -> Vec<u8> {
    sha256(token.as_bytes())
}

/// The code alphabet leaves out 0, O, I, 1 and L, which people misread.
pub const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

pub fn new_registration_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..6)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_tokens_have_the_device_shape() {
        let t = new_api_token();
        assert!(t.starts_with("mpx_live_"));
        assert_eq!(t.len(), 9 + 43);
        assert!(t[9..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(t, new_api_token());
        assert_eq!(api_token_hash(&t).len(), 32);
    }

    #[test]
    fn registration_codes_avoid_ambiguous_characters() {
        for _ in 0..200 {
            let c = new_registration_code();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{c}");
            assert!(!c.contains(['0', 'O', 'I', '1', 'L']));
        }
    }
}
