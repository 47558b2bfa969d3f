//! Bearer tokens for clients that prefer the token flow: short-lived, signed with the
//! server's key, naming who asked (or nobody, for anonymous pulls). A token proves
//! identity only; what that user may do is decided per request, as with a key. It also
//! carries a fingerprint of the user's API key, so regenerating the key revokes tokens.

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::infra::db::UserId;
use crate::infra::secrets::Secrets;

const PURPOSE: &str = "oci-token";
/// How long a token lasts. Long enough for a big push, short enough to matter.
pub const LIFETIME_SECS: u64 = 3600;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id; `None` for an anonymous token.
    #[serde(rename = "u")]
    pub user_id: Option<UserId>,
    /// The start of the user's API-key MAC when the token was issued.
    #[serde(rename = "k")]
    pub key_fingerprint: String,
    /// Expiry, seconds since the Unix epoch.
    #[serde(rename = "exp")]
    pub expires_at: u64,
}

/// The part of an API-key MAC that stands for "this key".
pub fn key_fingerprint(api_key_mac: &str) -> String {
    api_key_mac.chars().take(16).collect()
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub fn mint(secrets: &Secrets, claims: &Claims) -> String {
    let json = serde_json::to_vec(claims).expect("claims serialise");
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    let mac = secrets.mac(PURPOSE, &payload);
    format!("{payload}.{mac}")
}

/// The claims of a token this server issued that has not expired at `now`.
pub fn verify(secrets: &Secrets, token: &str, now: u64) -> Option<Claims> {
    let (payload, mac) = token.trim().split_once('.')?;
    if !secrets.verify_mac(PURPOSE, payload, mac) {
        return None;
    }
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims: Claims = serde_json::from_slice(&json).ok()?;
    (claims.expires_at > now).then_some(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_until_they_expire() {
        let secrets = Secrets::for_tests(7);
        let claims = Claims {
            user_id: Some(crate::infra::db::UserId(3)),
            key_fingerprint: "abcd".into(),
            expires_at: 1000,
        };
        let token = mint(&secrets, &claims);
        assert_eq!(verify(&secrets, &token, 999), Some(claims));
        assert_eq!(verify(&secrets, &token, 1000), None);
        assert_eq!(verify(&Secrets::for_tests(8), &token, 1), None);
        let (payload, mac) = token.split_once('.').unwrap();
        let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"u":1,"k":"abcd","exp":5000}"#);
        assert_eq!(verify(&secrets, &format!("{forged}.{mac}"), 1), None);
        assert_eq!(verify(&secrets, payload, 1), None);
        assert_eq!(key_fingerprint("0123456789abcdef0123"), "0123456789abcdef");
    }
}
