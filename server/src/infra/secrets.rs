//! The server's own secret key, kept in the data directory and never in the database, so a
//! copy of the database alone yields no usable API key and no GitHub token.
//!
//! API keys are stored twice: as an HMAC (to check a presented key in constant time) and
//! sealed with XChaCha20-Poly1305 (so the profile page can reveal the key again).

use std::io::Write;
use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

const KEY_FILE: &str = "secret.key";
const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("cannot read or create the server key {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the server key {path} is damaged (expected {KEY_LEN} bytes)")]
    BadKeyFile { path: String },
    #[error(
        "a sealed value could not be opened: it was sealed with another server key or was altered"
    )]
    Unseal,
}

/// The key itself. `Debug` never shows it.
#[derive(Clone)]
pub struct Secrets {
    key: [u8; KEY_LEN],
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

impl Secrets {
    /// Reads `DATA_DIR/secret.key`, creating it (mode 0600) on first start.
    pub fn load_or_create(data_dir: &Path) -> Result<Secrets, SecretsError> {
        let path = data_dir.join(KEY_FILE);
        let io = |source| SecretsError::Io {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read(&path) {
            Ok(bytes) => {
                let key: [u8; KEY_LEN] =
                    bytes.try_into().map_err(|_| SecretsError::BadKeyFile {
                        path: path.display().to_string(),
                    })?;
                Ok(Secrets { key })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; KEY_LEN];
                rand::rngs::OsRng.fill_bytes(&mut key);
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(&path).map_err(io)?;
                file.write_all(&key).map_err(io)?;
                file.sync_all().map_err(io)?;
                Ok(Secrets { key })
            }
            Err(e) => Err(io(e)),
        }
    }

    #[cfg(test)]
    pub fn for_tests(byte: u8) -> Secrets {
        Secrets {
            key: [byte; KEY_LEN],
        }
    }

    /// A keyed digest of `value` (hex), for checking a presented secret without storing it.
    pub fn mac(&self, purpose: &str, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Checks `value` against a stored [`Secrets::mac`] in constant time.
    pub fn verify_mac(&self, purpose: &str, value: &str, stored_hex: &str) -> bool {
        use subtle::ConstantTimeEq;
        let computed = self.mac(purpose, value);
        computed.as_bytes().ct_eq(stored_hex.as_bytes()).into()
    }

    /// Encrypts `plaintext`; the result (hex of nonce and ciphertext) is safe to store.
    pub fn seal(&self, plaintext: &str) -> String {
        let cipher = XChaCha20Poly1305::new((&self.key).into());
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = cipher
            .encrypt(XNonce::from_slice(&nonce), plaintext.as_bytes())
            .expect("encryption of an in-memory buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        hex::encode(out)
    }

    pub fn open(&self, sealed_hex: &str) -> Result<String, SecretsError> {
        let bytes = hex::decode(sealed_hex).map_err(|_| SecretsError::Unseal)?;
        if bytes.len() < NONCE_LEN {
            return Err(SecretsError::Unseal);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new((&self.key).into());
        let plain = cipher
            .decrypt(XNonce::from_slice(nonce), ciphertext)
            .map_err(|_| SecretsError::Unseal)?;
        String::from_utf8(plain).map_err(|_| SecretsError::Unseal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = Secrets::load_or_create(dir.path()).unwrap();
        let b = Secrets::load_or_create(dir.path()).unwrap();
        assert_eq!(a.mac("p", "v"), b.mac("p", "v"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn damaged_key_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(KEY_FILE), b"short").unwrap();
        assert!(matches!(
            Secrets::load_or_create(dir.path()),
            Err(SecretsError::BadKeyFile { .. })
        ));
    }

    #[test]
    fn mac_depends_on_key_purpose_and_value() {
        let s = Secrets::for_tests(1);
        let m = s.mac("api-key", "abc");
        assert!(s.verify_mac("api-key", "abc", &m));
        assert!(!s.verify_mac("api-key", "abd", &m));
        assert!(!s.verify_mac("other", "abc", &m));
        assert!(!Secrets::for_tests(2).verify_mac("api-key", "abc", &m));
    }

    #[test]
    fn sealed_values_open_only_with_the_same_key() {
        let s = Secrets::for_tests(7);
        let sealed = s.seal("gho_token");
        assert!(!sealed.contains("gho_token"));
        assert_ne!(sealed, s.seal("gho_token"), "a fresh nonce every time");
        assert_eq!(s.open(&sealed).unwrap(), "gho_token");
        assert!(Secrets::for_tests(8).open(&sealed).is_err());
        let mut tampered = sealed.into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        assert!(s.open(&String::from_utf8(tampered).unwrap()).is_err());
    }
}
