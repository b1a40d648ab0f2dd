//! User handles: 3-32 code points after NFC, letters of any script, digits, combining marks,
//! `-` and `_`, not starting or ending with punctuation. Uniqueness ignores case and look-alikes.
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_security::confusable_detection::skeleton;

use crate::DomainError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handle(String);

impl Handle {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let s: String = raw.trim().nfc().collect();
        let n = s.chars().count();
        if !(3..=32).contains(&n) {
            return Err(DomainError::invalid(
                "handle",
                "Handle must be 3-32 characters",
            ));
        }
        let allowed = |c: char| {
            c.is_alphabetic() || c.is_numeric() || is_combining_mark(c) || c == '-' || c == '_'
        };
        if !s.chars().all(allowed) {
            return Err(DomainError::invalid(
                "handle",
                "Handle may contain only letters, digits, '-' and '_'",
            ));
        }
        if !s.chars().any(|c| c.is_alphabetic() || c.is_numeric()) {
            return Err(DomainError::invalid(
                "handle",
                "Handle needs a letter or digit",
            ));
        }
        let edge = |c: Option<char>| matches!(c, Some('-') | Some('_'));
        if edge(s.chars().next()) || edge(s.chars().last()) {
            return Err(DomainError::invalid(
                "handle",
                "Handle cannot start or end with '-' or '_'",
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key two handles collide on: case-folded, then mapped to the UTS #39 skeleton.
    pub fn normalized(&self) -> String {
        normalize_handle(&self.0)
    }
}

/// Normalisation used for handle uniqueness; public so stored handles can be compared.
pub fn normalize_handle(s: &str) -> String {
    let lower: String = s.nfc().flat_map(char::to_lowercase).collect();
    let sk: String = skeleton(&lower).collect();
    // The skeleton may map to upper-case look-alikes; fold once more so the key is stable.
    sk.chars().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_scripts_and_marks() {
        for ok in [
            "abc",
            "pixel_artist",
            "ピクセル",
            "Zoë-99",
            "makapix-user-12",
            "a_b",
        ] {
            assert!(Handle::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_bad_handles() {
        for bad in [
            "ab",
            "-abc",
            "abc_",
            "a b c",
            "a.bc",
            "___",
            &"x".repeat(33),
            "ab!",
        ] {
            assert!(Handle::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn case_and_lookalikes_collide() {
        let a = Handle::parse("Paul").unwrap().normalized();
        let b = Handle::parse("paul").unwrap().normalized();
        // Cyrillic "а" (U+0430) looks like Latin "a".
        let c = Handle::parse("p\u{0430}ul").unwrap().normalized();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_ne!(a, Handle::parse("pauls").unwrap().normalized());
    }

    #[test]
    fn nfc_counts_code_points() {
        // "e" + combining acute composes to one code point, so this is 2 long, not 3.
        assert!(Handle::parse("ae\u{301}").is_err());
        assert_eq!(Handle::parse("abe\u{301}").unwrap().as_str(), "ab\u{e9}");
    }
}
