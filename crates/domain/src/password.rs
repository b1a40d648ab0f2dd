//! Password strength rule for new passwords: 8-100 characters with a letter and a digit.
use crate::DomainError;

/// A new password that satisfies the strength rule. Never printed.
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let n = raw.chars().count();
        if n < 8 {
            return Err(weak("Password must be at least 8 characters long"));
        }
        if n > 100 {
            return Err(weak("Password must be at most 100 characters long"));
        }
        if !raw.chars().any(char::is_alphabetic) {
            return Err(weak("Password must contain at least one letter"));
        }
        if !raw.chars().any(|c| c.is_ascii_digit()) {
            return Err(weak("Password must contain at least one digit"));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn weak(message: &str) -> DomainError {
    DomainError::WeakPassword {
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_rule() {
        assert!(NewPassword::parse("abcdefg1").is_ok());
        assert!(NewPassword::parse("short1").is_err());
        assert!(NewPassword::parse("abcdefgh").is_err());
        assert!(NewPassword::parse("12345678").is_err());
        assert!(NewPassword::parse(&format!("a1{}", "x".repeat(99))).is_err());
    }

    #[test]
    fn debug_hides_secret() {
        let p = NewPassword::parse("secret123").unwrap();
        assert!(!format!("{p:?}").contains("secret"));
    }
}
