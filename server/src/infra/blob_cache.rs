//! Small blobs kept in memory for downloads (issue 15). A blob's content never changes
//! under its digest, so a cached copy needs no invalidation: a download finds its file
//! row first, and a row names only a blob that exists. Least recently used blobs leave
//! first once the cache holds [`BlobCache::CAPACITY`] bytes.

use std::sync::Mutex;

use bytes::Bytes;
use lru::LruCache;

/// Recently downloaded small blobs by SHA-256 (hex).
#[derive(Debug)]
pub struct BlobCache {
    inner: Mutex<Inner>,
    capacity: usize,
}

#[derive(Debug)]
struct Inner {
    blobs: LruCache<String, Bytes>,
    bytes: usize,
}

impl Default for BlobCache {
    fn default() -> Self {
        BlobCache::with_capacity(BlobCache::CAPACITY)
    }
}

impl BlobCache {
    /// Blobs of at most this many bytes are cached (256 KiB: release metadata, checksums,
    /// small packages; larger files stream from the store).
    pub const LARGEST: u64 = 256 * 1024;
    /// How many bytes the cache holds at most (32 MiB).
    pub const CAPACITY: usize = 32 * 1024 * 1024;

    pub fn with_capacity(capacity: usize) -> BlobCache {
        BlobCache {
            inner: Mutex::new(Inner {
                blobs: LruCache::unbounded(),
                bytes: 0,
            }),
            capacity,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The blob's bytes, if cached (it becomes the most recently used).
    pub fn get(&self, sha256: &str) -> Option<Bytes> {
        self.lock().blobs.get(sha256).cloned()
    }

    /// Keeps `bytes` as the blob `sha256`, evicting the least recently used blobs beyond
    /// the capacity. Blobs larger than [`BlobCache::LARGEST`] are not kept.
    pub fn put(&self, sha256: &str, bytes: Bytes) {
        if bytes.len() as u64 > Self::LARGEST || bytes.len() > self.capacity {
            return;
        }
        let mut inner = self.lock();
        let added = bytes.len();
        if let Some(old) = inner.blobs.put(sha256.to_owned(), bytes) {
            inner.bytes -= old.len();
        }
        inner.bytes += added;
        while inner.bytes > self.capacity {
            match inner.blobs.pop_lru() {
                Some((_, gone)) => inner.bytes -= gone.len(),
                None => break,
            }
        }
    }

    /// Bytes held now.
    pub fn held(&self) -> usize {
        self.lock().bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_blobs_leave_past_the_capacity() {
        let cache = BlobCache::with_capacity(10);
        cache.put("a", Bytes::from_static(b"aaaa"));
        cache.put("b", Bytes::from_static(b"bbbb"));
        assert_eq!(cache.get("a").as_deref(), Some(&b"aaaa"[..])); // a is now newer than b
        cache.put("c", Bytes::from_static(b"cccc"));
        assert_eq!(cache.held(), 8);
        assert!(cache.get("b").is_none(), "b was the least recently used");
        assert!(cache.get("a").is_some() && cache.get("c").is_some());
        // The same blob again replaces, not adds.
        cache.put("c", Bytes::from_static(b"cccc"));
        assert_eq!(cache.held(), 8);
        // Too large for this cache: not kept, nothing evicted.
        cache.put("d", Bytes::from_static(b"dddddddddddd"));
        assert!(cache.get("d").is_none());
        assert_eq!(cache.held(), 8);
    }

    #[test]
    fn blobs_past_the_largest_size_are_not_kept() {
        let cache = BlobCache::default();
        cache.put(
            "big",
            Bytes::from(vec![0u8; BlobCache::LARGEST as usize + 1]),
        );
        assert!(cache.get("big").is_none());
        cache.put("ok", Bytes::from(vec![0u8; BlobCache::LARGEST as usize]));
        assert!(cache.get("ok").is_some());
    }
}
