//! Hashtag normalisation: trim, strip `#`, lower-case, de-duplicate, cap the count.
use crate::DomainError;

pub const MAX_TAG_CHARS: usize = 64;

/// Parses a comma-separated list (as the upload form sends it) into normalised tags, keeping
/// first-seen order and at most `cap` tags. Empty entries are skipped; a tag with characters
/// other than letters, digits, `_` or `-`, or longer than 64 characters, is refused.
pub fn parse_csv(raw: &str, cap: usize) -> Result<Vec<String>, DomainError> {
    normalize(raw.split(','), cap)
}

pub fn normalize<'a>(
    tags: impl IntoIterator<Item = &'a str>,
    cap: usize,
) -> Result<Vec<String>, DomainError> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim().trim_start_matches('#').trim().to_lowercase();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > MAX_TAG_CHARS {
            return Err(DomainError::invalid(
                "hashtags",
                format!("#{t} is longer than {MAX_TAG_CHARS} characters"),
            ));
        }
        if !t
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Err(DomainError::invalid(
                "hashtags",
                format!("#{t} may contain only letters, digits, '_' and '-'"),
            ));
        }
        if !out.contains(&t) {
            out.push(t);
        }
        if out.len() == cap {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_and_dedupes() {
        let t = parse_csv(" #Pixel, pixel ,ART,,#art, 8bit", 64).unwrap();
        assert_eq!(t, vec!["pixel", "art", "8bit"]);
    }

    #[test]
    fn caps_count_and_rejects_bad_tags() {
        let many: Vec<String> = (0..100).map(|i| format!("t{i}")).collect();
        assert_eq!(parse_csv(&many.join(","), 64).unwrap().len(), 64);
        assert!(parse_csv("a b", 64).is_err());
        assert!(parse_csv(&"x".repeat(65), 64).is_err());
    }
}
