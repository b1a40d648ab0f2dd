//! RSA keys (the `rsa` crate generates, ring signs through rcgen), serial numbers and the
//! conversions between chrono and the `time` types rcgen speaks.
use chrono::{DateTime, Utc};
use rand::RngCore;
use rcgen::{KeyPair, SerialNumber, PKCS_RSA_SHA256};
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::BigUint;

use crate::PkiError;

/// RFC 5280: serial numbers are positive and at most 20 octets.
const SERIAL_BYTES: usize = 20;

/// A new RSA key as unencrypted PKCS#8 PEM (`BEGIN PRIVATE KEY`) and as an rcgen signing key.
pub(crate) fn generate_rsa(bits: usize) -> Result<(String, KeyPair), PkiError> {
    let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, bits)
        .map_err(|e| PkiError::KeyGen(e.to_string()))?;
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| PkiError::KeyGen(e.to_string()))?;
    let pem = pem.to_string();
    let pair = signing_key(&pem)?;
    Ok((pem, pair))
}

/// Loads a PKCS#8 RSA key for SHA-256 signatures.
pub(crate) fn signing_key(key_pem: &str) -> Result<KeyPair, PkiError> {
    KeyPair::from_pkcs8_pem_and_sign_algo(key_pem, &PKCS_RSA_SHA256)
        .map_err(|e| PkiError::Parse(format!("CA key: {e}")))
}

/// A random positive serial of at most 20 bytes, with its decimal form.
pub(crate) fn random_serial() -> (SerialNumber, String) {
    let mut bytes = [0u8; SERIAL_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    // A clear top bit keeps the DER INTEGER positive without a 21st (sign) byte; a set second
    // bit keeps the length at 20 bytes, as the Python original's random serials are.
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    let decimal = BigUint::from_bytes_be(&bytes).to_str_radix(10);
    (SerialNumber::from_slice(&bytes), decimal)
}

/// The big-endian magnitude of a decimal serial (no leading zero bytes).
pub(crate) fn serial_bytes(decimal: &str) -> Result<Vec<u8>, PkiError> {
    let bad = || PkiError::Serial(decimal.to_string());
    if decimal.is_empty() || !decimal.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n = BigUint::parse_bytes(decimal.as_bytes(), 10).ok_or_else(bad)?;
    let bytes = n.to_bytes_be();
    // Zero is not a valid serial; more than 20 bytes cannot be a conforming one.
    if bytes.iter().all(|b| *b == 0) || bytes.len() > SERIAL_BYTES {
        return Err(bad());
    }
    Ok(bytes)
}

pub(crate) fn to_time(t: DateTime<Utc>) -> Result<time::OffsetDateTime, PkiError> {
    time::OffsetDateTime::from_unix_timestamp(t.timestamp())
        .map_err(|e| PkiError::Parse(format!("timestamp out of range: {e}")))
}

/// Certificates carry whole seconds; the times reported must be the ones written.
pub(crate) fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn serials_are_20_positive_bytes_and_round_trip() {
        for _ in 0..50 {
            let (sn, dec) = random_serial();
            let bytes = sn.to_bytes();
            assert_eq!(bytes.len(), 20);
            assert_eq!(bytes[0] & 0x80, 0);
            assert_eq!(serial_bytes(&dec).unwrap(), bytes);
        }
    }

    #[test]
    fn decimal_serials_convert_with_high_bits_and_reject_garbage() {
        assert_eq!(serial_bytes("255").unwrap(), vec![0xff]);
        assert_eq!(serial_bytes("65536").unwrap(), vec![1, 0, 0]);
        assert_eq!(serial_bytes("007").unwrap(), vec![7]);
        for bad in ["", "0", "-5", "12a", " 1", "0x10"] {
            assert!(serial_bytes(bad).is_err(), "{bad:?} accepted");
        }
        // 2^160 needs 21 bytes.
        let too_big = BigUint::from_bytes_be(&[1; 21]).to_str_radix(10);
        assert!(serial_bytes(&too_big).is_err());
    }
}
