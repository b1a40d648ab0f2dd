//! Public ids: Sqids of the integer primary key, as the original and the p3a expect.
use sqids::Sqids;

use crate::DomainError;

/// Encoder shared by users and posts (so user 7 and post 7 share a sqid, as in the original).
#[derive(Debug, Clone)]
pub struct SqidCodec(std::sync::Arc<Sqids>);

impl SqidCodec {
    pub fn new(alphabet: &str) -> Result<Self, DomainError> {
        let sqids = Sqids::builder()
            .alphabet(alphabet.chars().collect())
            .min_length(0)
            .blocklist(Default::default())
            .build()
            .map_err(|e| DomainError::invalid("SQIDS_ALPHABET", e.to_string()))?;
        Ok(Self(std::sync::Arc::new(sqids)))
    }

    pub fn encode(&self, id: i64) -> String {
        // Ids are positive; a negative id would be a bug upstream, encoded as empty (never stored).
        u64::try_from(id)
            .ok()
            .and_then(|n| self.0.encode(&[n]).ok())
            .unwrap_or_default()
    }

    /// Decodes exactly one number whose re-encoding equals the input; anything else is `None`.
    pub fn decode(&self, sqid: &str) -> Option<i64> {
        if sqid.is_empty() || sqid.len() > 16 {
            return None;
        }
        let nums = self.0.decode(sqid);
        let [n] = nums.as_slice() else { return None };
        let id = i64::try_from(*n).ok()?;
        (self.encode(id) == sqid).then_some(id)
    }

    /// User ids are 32-bit; larger decodes are treated as unknown.
    pub fn decode_user(&self, sqid: &str) -> Option<i32> {
        self.decode(sqid).and_then(|n| i32::try_from(n).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALPHABET: &str = "k3G7QAe51FCsPW92uEOyq4Bg6Sp8YzVTmnU0liwDdHXLajZrfxNhobJIRcMvKt";

    #[test]
    fn round_trip_and_rejects_non_canonical() {
        let c = SqidCodec::new(ALPHABET).unwrap();
        for id in [1, 7, 42, 1_000_000, i64::from(i32::MAX)] {
            let s = c.encode(id);
            assert_eq!(c.decode(&s), Some(id));
        }
        assert_eq!(c.decode(""), None);
        assert_eq!(c.decode("!!"), None);
        let big = c.encode(i64::from(i32::MAX) + 1);
        assert_eq!(c.decode_user(&big), None);
    }
}
