//! The identity-code vault. Codes are stored encrypted with AES-256-GCM,
//! with the tenant id as associated data so a ciphertext copied to another
//! area's row does not decrypt, and found by an HMAC-SHA-256 under a second
//! key, so lookups and the per-area uniqueness check never decrypt anything.
//! Both keys derive from one configured master key; its version is stored
//! with each row so the key can be rotated by re-encrypting.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use polku_domain::Hetu;
use rand::RngCore;
use sha2::Sha256;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// Encrypts, decrypts and hashes identity codes.
#[derive(Clone)]
pub struct HetuVault {
    cipher: Aes256Gcm,
    mac_key: [u8; 32],
    pub key_version: i16,
}

impl std::fmt::Debug for HetuVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HetuVault").field("key_version", &self.key_version).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("the identity-code key must be 32 bytes, base64-encoded")]
    BadKey,
    #[error("an identity code could not be decrypted (wrong key or tampered row)")]
    Decrypt,
}

#[expect(clippy::expect_used, reason = "HMAC takes a key of any length")]
fn derive(master: &[u8], label: &str) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

impl HetuVault {
    /// From a base64-encoded 32-byte master key.
    pub fn from_base64(key: &str, key_version: i16) -> Result<HetuVault, VaultError> {
        use base64::Engine;
        let master =
            base64::engine::general_purpose::STANDARD.decode(key.trim()).map_err(|_| VaultError::BadKey)?;
        if master.len() != 32 {
            return Err(VaultError::BadKey);
        }
        let enc = derive(&master, "polku/hetu/encryption/v1");
        Ok(HetuVault {
            cipher: Aes256Gcm::new_from_slice(&enc).map_err(|_| VaultError::BadKey)?,
            mac_key: derive(&master, "polku/hetu/lookup/v1"),
            key_version,
        })
    }

    /// A fresh random master key, base64-encoded, for development setups.
    pub fn generate_key() -> String {
        use base64::Engine;
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        base64::engine::general_purpose::STANDARD.encode(key)
    }

    /// The lookup hash: the same code gives the same hash in every area, but
    /// uniqueness is per area (the constraint includes the tenant).
    #[expect(clippy::expect_used, reason = "HMAC takes a key of any length")]
    pub fn hash(&self, hetu: &Hetu) -> Vec<u8> {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.mac_key).expect("32-byte key");
        mac.update(hetu.expose_secret().as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// nonce (12 bytes) || ciphertext-with-tag.
    #[expect(clippy::expect_used, reason = "AES-GCM fails only on messages of gigabytes")]
    pub fn encrypt(&self, tenant: Uuid, hetu: &Hetu) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload { msg: hetu.expose_secret().as_bytes(), aad: tenant.as_bytes() },
            )
            .expect("AES-GCM encryption of a short message cannot fail");
        let mut out = Vec::with_capacity(12 + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn decrypt(&self, tenant: Uuid, sealed: &[u8]) -> Result<Hetu, VaultError> {
        if sealed.len() < 12 {
            return Err(VaultError::Decrypt);
        }
        let (nonce, body) = sealed.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad: tenant.as_bytes() })
            .map_err(|_| VaultError::Decrypt)?;
        let text = String::from_utf8(plain).map_err(|_| VaultError::Decrypt)?;
        Hetu::parse(&text).map_err(|_| VaultError::Decrypt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> HetuVault {
        HetuVault::from_base64(&HetuVault::generate_key(), 1).unwrap()
    }

    #[test]
    fn round_trips_and_binds_to_the_tenant() {
        let v = vault();
        let hetu = Hetu::parse("131052-308T").unwrap();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let sealed = v.encrypt(a, &hetu);
        assert_eq!(v.decrypt(a, &sealed).unwrap(), hetu);
        assert!(v.decrypt(b, &sealed).is_err(), "a ciphertext must not open in another area");
        assert!(!sealed.windows(6).any(|w| w == b"131052"), "plaintext leaked into the ciphertext");
        assert_ne!(v.encrypt(a, &hetu), sealed, "nonces repeat");
    }

    #[test]
    fn hashes_are_stable_and_keyed() {
        let (v1, v2) = (vault(), vault());
        let hetu = Hetu::parse("131052-308T").unwrap();
        assert_eq!(v1.hash(&hetu), v1.hash(&hetu));
        assert_ne!(v1.hash(&hetu), v2.hash(&hetu));
    }

    #[test]
    fn refuses_bad_keys() {
        assert!(HetuVault::from_base64("c2hvcnQ=", 1).is_err());
        assert!(HetuVault::from_base64("not base64!", 1).is_err());
    }
}
