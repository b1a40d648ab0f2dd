//! HS256 access tokens with the original's claims: `sub` (public sqid), `roles`, `type`,
//! `iat`, `exp` and the legacy `user_id` (the user key).
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::AuthError;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub user_id: String,
    pub roles: Vec<String>,
    #[serde(rename = "type")]
    pub typ: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct JwtKeys {
    enc: EncodingKey,
    dec: DecodingKey,
    ttl: Duration,
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl_minutes: i64) -> Self {
        Self {
            enc: EncodingKey::from_secret(secret),
            dec: DecodingKey::from_secret(secret),
            ttl: Duration::minutes(ttl_minutes),
        }
    }

    pub fn ttl_seconds(&self) -> i64 {
        self.ttl.num_seconds()
    }

    /// Issues a token; returns it with its expiry.
    pub fn issue(
        &self,
        sqid: &str,
        user_key: &str,
        roles: &[String],
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), AuthError> {
        let exp = now + self.ttl;
        let claims = AccessClaims {
            sub: sqid.to_string(),
            user_id: user_key.to_string(),
            roles: roles.to_vec(),
            typ: "access".to_string(),
            iat: now.timestamp(),
            exp: exp.timestamp(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.enc)
            .map_err(|_| AuthError::InvalidToken)?;
        Ok((token, exp))
    }

    /// Verifies signature, algorithm, expiry and that this is an access token.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, AuthError> {
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = 0;
        v.set_required_spec_claims(&["exp", "sub"]);
        let data =
            decode::<AccessClaims>(token, &self.dec, &v).map_err(|_| AuthError::InvalidToken)?;
        if data.claims.typ != "access" {
            return Err(AuthError::InvalidToken);
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let k = JwtKeys::new(&[7u8; 32], 60);
        let (t, exp) = k.issue("abc", "key", &["user".into()], Utc::now()).unwrap();
        let c = k.verify(&t).unwrap();
        assert_eq!(c.sub, "abc");
        assert_eq!(c.typ, "access");
        assert_eq!(c.exp, exp.timestamp());
        let other = JwtKeys::new(&[8u8; 32], 60);
        assert!(other.verify(&t).is_err());
        let expired = k
            .issue("abc", "key", &[], Utc::now() - Duration::hours(2))
            .unwrap()
            .0;
        assert!(k.verify(&expired).is_err());
    }
}
