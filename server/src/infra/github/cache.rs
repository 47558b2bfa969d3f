//! The ETag cache: the last answer to each (token, URL), so a repeated listing can send
//! `If-None-Match` and take the body from here on 304. Keyed by a hash of the token,
//! never the token; bounded, least recently used evicted first.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use bytes::Bytes;
use lru::LruCache;

use super::token::TokenKey;

#[derive(Clone, Debug)]
pub(crate) struct CachedPage {
    pub etag: String,
    pub body: Bytes,
    pub link: Option<String>,
}

pub(crate) struct EtagCache {
    entries: Mutex<LruCache<(TokenKey, String), CachedPage>>,
}

impl EtagCache {
    pub fn new(capacity: usize) -> EtagCache {
        EtagCache {
            entries: Mutex::new(LruCache::new(
                NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    pub fn get(&self, token: TokenKey, url: &str) -> Option<CachedPage> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(&(token, url.to_owned())).cloned()
    }

    pub fn put(&self, token: TokenKey, url: &str, page: CachedPage) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.put((token, url.to_owned()), page);
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(etag: &str) -> CachedPage {
        CachedPage {
            etag: etag.into(),
            body: Bytes::from_static(b"[]"),
            link: None,
        }
    }

    #[test]
    fn bounded_and_per_token() {
        let cache = EtagCache::new(2);
        let (a, b) = (TokenKey([1; 32]), TokenKey([2; 32]));
        cache.put(a, "u1", page("1"));
        assert!(
            cache.get(b, "u1").is_none(),
            "another token's entry is not shared"
        );
        cache.put(a, "u2", page("2"));
        cache.get(a, "u1");
        cache.put(a, "u3", page("3"));
        assert_eq!(cache.len(), 2);
        assert!(
            cache.get(a, "u2").is_none(),
            "least recently used went first"
        );
        assert_eq!(cache.get(a, "u1").unwrap().etag, "1");
    }
}
