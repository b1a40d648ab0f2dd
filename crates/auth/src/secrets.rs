//! Opaque secrets: generation, the hashes we store, constant-time comparison and PKCE.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 32 random bytes, base64url: refresh tokens, link tokens, OAuth codes, tickets.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// A 6-digit numeric code, uniformly distributed.
pub fn random_code() -> String {
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
}

/// A random password for accounts created without one (8 characters, letters and digits).
pub fn random_password() -> String {
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    let mut rng = rand::rngs::OsRng;
    let mut out: Vec<u8> = (0..6)
        .map(|_| LETTERS[rng.gen_range(0..LETTERS.len())])
        .collect();
    out.push(DIGITS[rng.gen_range(0..DIGITS.len())]);
    out.push(DIGITS[rng.gen_range(0..DIGITS.len())]);
    String::from_utf8(out).unwrap_or_default()
}

pub fn sha256(data: &[u8]) -> Vec<u8> {
    Sha256::digest(data).to_vec()
}

/// Keyed hash for short codes: without the server key a stolen table cannot be brute-forced.
pub fn keyed_hash(key: &[u8], data: &[u8]) -> Vec<u8> {
    match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }
        // HMAC takes keys of any length, so this arm never runs; it exists to avoid a panic path.
        Err(_) => sha256(&[key, data].concat()),
    }
}

pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// PKCE S256: `challenge == base64url(sha256(verifier))`.
pub fn pkce_s256_matches(verifier: &str, challenge: &str) -> bool {
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    ct_eq(computed.as_bytes(), challenge.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(random_token().len(), 43);
        let c = random_code();
        assert_eq!(c.len(), 6);
        assert!(c.chars().all(|c| c.is_ascii_digit()));
        let p = random_password();
        assert_eq!(p.len(), 8);
        assert!(p.chars().any(|c| c.is_ascii_digit()));
    }

    #[test]
    fn pkce_rfc7636_example() {
        assert!(pkce_s256_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!pkce_s256_matches(
            "other",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
    }

    #[test]
    fn keyed_hash_depends_on_key() {
        assert_ne!(keyed_hash(b"a", b"123456"), keyed_hash(b"b", b"123456"));
        assert!(ct_eq(&keyed_hash(b"a", b"1"), &keyed_hash(b"a", b"1")));
    }
}
