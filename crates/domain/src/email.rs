//! Email addresses: a light syntax check plus the normalised form used for uniqueness.
use crate::DomainError;

/// A syntactically plausible email address, trimmed, at most 255 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        if s.is_empty() || s.len() > 255 {
            return Err(DomainError::invalid("email", "must be 1-255 characters"));
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(DomainError::invalid(
                "email",
                "is not a valid email address",
            ));
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '@');
        if !domain_ok || !local_ok {
            return Err(DomainError::invalid(
                "email",
                "is not a valid email address",
            ));
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// One mailbox, one account: lower-case, drop `+tag`, and drop dots for Gmail, which ignores them.
    pub fn normalized(&self) -> String {
        let lower = self.0.to_lowercase();
        let (local, domain) = lower.rsplit_once('@').unwrap_or((lower.as_str(), ""));
        let mut local = local.split('+').next().unwrap_or(local).to_string();
        if domain == "gmail.com" || domain == "googlemail.com" {
            local.retain(|c| c != '.');
        }
        format!("{local}@{domain}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_addresses_and_trims() {
        assert_eq!(Email::parse(" a@b.co ").unwrap().as_str(), "a@b.co");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "nope",
            "a@b",
            "@b.co",
            "a b@c.co",
            "a@.co",
            &"x".repeat(300),
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn normalizes_aliases() {
        let e = Email::parse("First.Last+promo@GMail.com").unwrap();
        assert_eq!(e.normalized(), "firstlast@gmail.com");
        let e = Email::parse("first.last+x@example.org").unwrap();
        assert_eq!(e.normalized(), "first.last@example.org");
    }
}
