//! `explode=1`: an uploaded zip, tar or tar.gz unpacked into the version, as Bintray did
//! for jfrog-cli, AppVeyor and Eclipse p2 update sites. This module reads the archive
//! (blocking I/O: run it off the async runtime) and writes each file entry to its own
//! temporary file; `content` then stores them like uploads, all or nothing.
//!
//! Rules, applied to the whole archive before anything is stored:
//! - only regular files become files; directories become path prefixes;
//! - symbolic links, hard links, devices and FIFOs refuse the archive (never skipped
//!   silently, never followed: a link could name anything outside the version);
//! - an entry name may start with `./`; a name that is absolute, holds `..`, or is not a
//!   valid Wharf file path refuses the archive; so does a name given twice;
//! - at most [`ExplodeLimits::max_entries`] files and [`ExplodeLimits::max_total_bytes`]
//!   unpacked bytes, and no more than [`ExplodeLimits::max_ratio`] times the archive's
//!   size once past [`ExplodeLimits::ratio_floor_bytes`] (archive bombs), counted on the
//!   bytes really unpacked, never on sizes the archive claims.
//!
//! Entry names never touch the file system: temporary files are numbered.

use std::collections::HashSet;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use app::domain::file_path::FilePath;

/// How much an exploded archive may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExplodeLimits {
    /// Files in one archive.
    pub max_entries: usize,
    /// Unpacked bytes of all its files together.
    pub max_total_bytes: u64,
    /// Unpacked bytes per archive byte, past `ratio_floor_bytes`.
    pub max_ratio: u64,
    /// Unpacked bytes any archive may reach whatever its ratio (small archives of very
    /// compressible text are fine).
    pub ratio_floor_bytes: u64,
}

impl Default for ExplodeLimits {
    fn default() -> Self {
        ExplodeLimits {
            max_entries: 10_000,
            max_total_bytes: 8 * 1024 * 1024 * 1024,
            max_ratio: 100,
            ratio_floor_bytes: 64 * 1024 * 1024,
        }
    }
}

/// The archive formats `explode=1` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    Zip,
    Tar,
    TarGz,
}

impl ArchiveKind {
    /// The format, from the first bytes (at least 262 for tar) and, for old tar files
    /// without the `ustar` mark, the name.
    pub fn detect(head: &[u8], name: &str) -> Option<ArchiveKind> {
        let lower = name.to_ascii_lowercase();
        if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
            Some(ArchiveKind::Zip)
        } else if head.starts_with(&[0x1f, 0x8b]) {
            Some(ArchiveKind::TarGz)
        } else if head.get(257..262) == Some(b"ustar") || lower.ends_with(".tar") {
            Some(ArchiveKind::Tar)
        } else {
            None
        }
    }
}

/// Why an archive was refused. Every message names the archive's fault in the user's
/// terms, and the entry when one is at fault.
#[derive(Debug, thiserror::Error)]
pub enum ExplodeError {
    #[error(
        "'{0}' is not a zip, tar or tar.gz archive; explode=1 unpacks only those \
         (upload without explode to store it as a file)"
    )]
    NotAnArchive(String),
    #[error("the archive is damaged or truncated: {0}")]
    Corrupt(String),
    #[error("archive entry '{entry}' {reason}; nothing was stored")]
    BadEntry { entry: String, reason: String },
    #[error("the archive holds more than {0} files; nothing was stored")]
    TooManyEntries(usize),
    #[error("the archive unpacks to more than {0} bytes; nothing was stored")]
    TooLarge(u64),
    #[error(
        "the archive unpacks to more than {0} times its size (an archive bomb?); \
         nothing was stored"
    )]
    Bomb(u64),
    #[error("the archive holds no files")]
    Empty,
    #[error("could not unpack the archive: {0}")]
    Io(#[from] std::io::Error),
}

impl ExplodeError {
    /// Limits exceeded (413) rather than a malformed archive (400).
    pub fn is_too_large(&self) -> bool {
        matches!(
            self,
            ExplodeError::TooManyEntries(_) | ExplodeError::TooLarge(_) | ExplodeError::Bomb(_)
        )
    }

    /// A fault of the server rather than of the archive (500).
    pub fn is_internal(&self) -> bool {
        matches!(self, ExplodeError::Io(_))
    }
}

/// One file of the archive, unpacked to a temporary file.
#[derive(Debug)]
pub struct Extracted {
    /// Where it goes in the repository: the upload's directory joined with the entry name.
    pub path: FilePath,
    pub temp: PathBuf,
    pub size: u64,
}

/// Running totals against the limits.
struct Budget {
    limits: ExplodeLimits,
    /// Bytes of the archive read so far (all of it, for a zip read from a file).
    consumed: Arc<AtomicU64>,
    total: u64,
    entries: usize,
}

impl Budget {
    fn add_entry(&mut self) -> Result<(), ExplodeError> {
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            return Err(ExplodeError::TooManyEntries(self.limits.max_entries));
        }
        Ok(())
    }

    fn add_bytes(&mut self, n: u64) -> Result<(), ExplodeError> {
        self.total += n;
        if self.total > self.limits.max_total_bytes {
            return Err(ExplodeError::TooLarge(self.limits.max_total_bytes));
        }
        let allowed = self.limits.ratio_floor_bytes.max(
            self.consumed
                .load(Ordering::Relaxed)
                .saturating_mul(self.limits.max_ratio),
        );
        if self.total > allowed {
            return Err(ExplodeError::Bomb(self.limits.max_ratio));
        }
        Ok(())
    }
}

/// The repository path of entry `raw` unpacked under `dir`, or why it may not be one.
/// `None` for names that are only directories (`./`, `a/`).
pub fn entry_path(dir: Option<&FilePath>, raw: &str) -> Result<Option<FilePath>, String> {
    let bad = |reason: &str| Err(reason.to_owned());
    if raw.starts_with('/') || raw.starts_with('\\') {
        return bad("is an absolute path");
    }
    let bytes = raw.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return bad("is an absolute path (a drive letter)");
    }
    if raw.split(['/', '\\']).any(|s| s == "..") {
        return bad("leaves the version ('..')");
    }
    let mut rest = raw;
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    if rest.is_empty() || rest == "." {
        return Ok(None);
    }
    let joined = match dir {
        Some(d) => format!("{d}/{rest}"),
        None => rest.to_owned(),
    };
    FilePath::parse(&joined)
        .map(Some)
        .map_err(|e| format!("is not a valid file path: {e}"))
}

/// Copies entry `name`'s bytes into a new temporary file under `out`, counting them. A
/// read that fails is damage in the archive (a bad checksum, a truncated stream).
fn copy_entry(
    name: &str,
    reader: &mut dyn Read,
    out: &Path,
    index: usize,
    budget: &mut Budget,
) -> Result<(PathBuf, u64), ExplodeError> {
    let temp = out.join(format!("{index}"));
    let mut file = File::create(&temp)?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| ExplodeError::Corrupt(format!("entry '{name}': {e}")))?;
        if n == 0 {
            break;
        }
        budget.add_bytes(n as u64)?;
        size += n as u64;
        file.write_all(&buf[..n])?;
    }
    file.flush()?;
    Ok((temp, size))
}

/// Collects the files as they are unpacked.
struct Sink<'a> {
    dir: Option<&'a FilePath>,
    out: &'a Path,
    budget: Budget,
    seen: HashSet<String>,
    files: Vec<Extracted>,
}

impl Sink<'_> {
    /// Unpacks one regular file named `raw` (directories only: nothing).
    fn file(&mut self, raw: &str, reader: &mut dyn Read) -> Result<(), ExplodeError> {
        let path = entry_path(self.dir, raw).map_err(|reason| ExplodeError::BadEntry {
            entry: raw.to_owned(),
            reason,
        })?;
        let Some(path) = path else { return Ok(()) };
        if !self.seen.insert(path.as_str().to_owned()) {
            return Err(ExplodeError::BadEntry {
                entry: raw.to_owned(),
                reason: "appears twice".to_owned(),
            });
        }
        self.budget.add_entry()?;
        let (temp, size) = copy_entry(raw, reader, self.out, self.files.len(), &mut self.budget)?;
        self.files.push(Extracted { path, temp, size });
        Ok(())
    }
}

fn refuse(entry: &str, reason: &str) -> ExplodeError {
    ExplodeError::BadEntry {
        entry: entry.to_owned(),
        reason: reason.to_owned(),
    }
}

/// An archive to unpack: a zip from a file (its index is at the end), or a tar stream,
/// read as it arrives.
pub enum Archive<R> {
    Zip(File),
    Tar(R),
    TarGz(R),
}

/// Unpacks `archive` into numbered files under `out`, naming each file `dir/<entry>`.
/// `consumed` counts the archive's bytes read so far (the ratio limit is measured
/// against it). Either every file entry is unpacked, or an error.
pub fn extract<R: Read>(
    archive: Archive<R>,
    consumed: Arc<AtomicU64>,
    dir: Option<&FilePath>,
    limits: ExplodeLimits,
    out: &Path,
) -> Result<Vec<Extracted>, ExplodeError> {
    let mut sink = Sink {
        dir,
        out,
        budget: Budget {
            limits,
            consumed,
            total: 0,
            entries: 0,
        },
        seen: HashSet::new(),
        files: Vec::new(),
    };
    match archive {
        Archive::Zip(file) => extract_zip(file, &mut sink)?,
        Archive::Tar(reader) => extract_tar(reader, &mut sink)?,
        // Several gzip members one after the other (pigz --independent, bgzip,
        // `cat a.gz b.gz`) are one stream, as gzip(1) reads them.
        Archive::TarGz(reader) => {
            extract_tar(flate2::read::MultiGzDecoder::new(reader), &mut sink)?
        }
    }
    if sink.files.is_empty() {
        return Err(ExplodeError::Empty);
    }
    Ok(sink.files)
}

/// A blocking reader over an upload's body that counts (into a shared counter), hashes
/// and stops at `max` bytes.
pub struct CountingReader<R> {
    inner: R,
    pub consumed: Arc<AtomicU64>,
    max: u64,
    /// Set when the body went past `max`.
    pub over: bool,
    sha256: sha2::Sha256,
}

impl<R: Read> CountingReader<R> {
    pub fn new(inner: R, max: u64) -> Self {
        use sha2::Digest;
        CountingReader {
            inner,
            consumed: Arc::new(AtomicU64::new(0)),
            max,
            over: false,
            sha256: sha2::Sha256::new(),
        }
    }

    /// Reads what is left (after the tar's end mark) and returns the body's SHA-256, hex.
    pub fn finish(&mut self) -> std::io::Result<String> {
        use sha2::Digest;
        std::io::copy(self, &mut std::io::sink())?;
        Ok(hex::encode(self.sha256.clone().finalize()))
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.read(buf)?;
        let total = self.consumed.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if total > self.max {
            self.over = true;
            return Err(std::io::Error::other("the upload is over the size limit"));
        }
        self.sha256.update(&buf[..n]);
        Ok(n)
    }
}

fn extract_zip(mut archive: File, sink: &mut Sink<'_>) -> Result<(), ExplodeError> {
    archive.seek(SeekFrom::Start(0))?;
    let mut probe = archive.try_clone()?;
    let mut zip = zip::ZipArchive::new(archive)
        .map_err(|e| ExplodeError::Corrupt(format!("not a readable zip archive ({e})")))?;
    // The central directory's count: refuse before unpacking anything.
    if zip.len() > sink.budget.limits.max_entries {
        return Err(ExplodeError::TooManyEntries(sink.budget.limits.max_entries));
    }
    // The zip crate keeps one entry per name, so a name given twice would silently lose
    // a copy: the central directory itself tells.
    match duplicate_zip_entry(&mut probe, zip.len() as u64)? {
        Some(name) if name.is_empty() => {
            return Err(ExplodeError::Corrupt(
                "an entry name appears twice; nothing was stored".into(),
            ))
        }
        Some(name) => return Err(refuse(&name, "appears twice")),
        None => {}
    }
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| ExplodeError::Corrupt(format!("entry #{}: {e}", i + 1)))?;
        let name = entry.name().to_owned();
        const S_IFMT: u32 = 0o170000;
        let kind = entry.unix_mode().map(|m| m & S_IFMT).unwrap_or(0);
        match kind {
            0o120000 => return Err(refuse(&name, "is a symbolic link")),
            0o040000 => continue,
            0 | 0o100000 if entry.is_dir() => continue,
            0 | 0o100000 => {}
            _ => return Err(refuse(&name, "is not a regular file (a device or FIFO)")),
        }
        if entry.encrypted() {
            return Err(refuse(&name, "is encrypted"));
        }
        sink.file(&name, &mut entry)?;
    }
    Ok(())
}

/// A name the zip's central directory lists twice, found from its end record: the
/// classic directory (which ends where the end record starts) is read name by name; a
/// zip64 one is only counted against `distinct` names, and the name is then unknown.
/// `None` when no name repeats or no end record is found (the zip crate has then
/// refused the archive already).
fn duplicate_zip_entry(file: &mut File, distinct: u64) -> Result<Option<String>, ExplodeError> {
    // End record: 22 bytes plus a comment of at most 65 535.
    let len = file.seek(SeekFrom::End(0))?;
    let tail_len = len.min(22 + 65_535);
    let tail_start = len - tail_len;
    file.seek(SeekFrom::Start(tail_start))?;
    let mut tail = vec![0u8; tail_len as usize];
    file.read_exact(&mut tail)?;
    let Some(eocd) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..].starts_with(b"PK\x05\x06"))
    else {
        return Ok(None);
    };
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as usize;
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap());
    let total = u16_at(&tail, eocd + 10);
    let dir_size = u32_at(&tail, eocd + 12);
    if total == 0xFFFF || dir_size == u32::MAX {
        // Zip64: a 20-byte locator just before the end record points at the zip64 end
        // record, whose total entry count is a u64 at offset 32.
        if eocd < 20 || !tail[eocd - 20..].starts_with(b"PK\x06\x07") {
            return Ok(None);
        }
        let offset = u64::from_le_bytes(tail[eocd - 12..eocd - 4].try_into().unwrap());
        let mut record = [0u8; 40];
        file.seek(SeekFrom::Start(offset))?;
        if file.read_exact(&mut record).is_err() || !record.starts_with(b"PK\x06\x06") {
            return Err(ExplodeError::Corrupt(
                "the zip64 end record is missing".into(),
            ));
        }
        let declared = u64::from_le_bytes(record[32..40].try_into().unwrap());
        return Ok((declared != distinct).then(String::new));
    }
    let eocd_at = tail_start + eocd as u64;
    let Some(dir_start) = eocd_at.checked_sub(dir_size.into()) else {
        return Err(ExplodeError::Corrupt(
            "the central directory is out of bounds".into(),
        ));
    };
    let mut dir = vec![0u8; dir_size as usize];
    file.seek(SeekFrom::Start(dir_start))?;
    file.read_exact(&mut dir)?;
    let mut seen = HashSet::new();
    let mut at = 0usize;
    // Central directory header: 46 bytes, then name, extra field and comment.
    while at + 46 <= dir.len() && dir[at..].starts_with(b"PK\x01\x02") {
        let name_len = u16_at(&dir, at + 28);
        let skip = 46 + name_len + u16_at(&dir, at + 30) + u16_at(&dir, at + 32);
        let Some(name) = dir.get(at + 46..at + 46 + name_len) else {
            break;
        };
        if !seen.insert(name.to_vec()) {
            return Ok(Some(String::from_utf8_lossy(name).into_owned()));
        }
        at += skip;
    }
    // Names the zip crate reads otherwise (a Unicode path extra field): counts tell.
    Ok((total as u64 > distinct).then(String::new))
}

fn extract_tar<R: Read>(reader: R, sink: &mut Sink<'_>) -> Result<(), ExplodeError> {
    use tar::EntryType;
    let mut archive = tar::Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|e| ExplodeError::Corrupt(format!("not a readable tar archive ({e})")))?;
    for entry in entries {
        let mut entry = entry
            .map_err(|e| ExplodeError::Corrupt(format!("not a readable tar archive ({e})")))?;
        let name = String::from_utf8(entry.path_bytes().into_owned())
            .map_err(|e| refuse(&String::from_utf8_lossy(e.as_bytes()), "is not UTF-8"))?;
        match entry.header().entry_type() {
            EntryType::Regular | EntryType::Continuous => sink.file(&name, &mut entry)?,
            EntryType::Directory | EntryType::XGlobalHeader => {}
            EntryType::Symlink => return Err(refuse(&name, "is a symbolic link")),
            EntryType::Link => return Err(refuse(&name, "is a hard link")),
            EntryType::Char | EntryType::Block | EntryType::Fifo => {
                return Err(refuse(&name, "is a device or FIFO"))
            }
            other => {
                return Err(refuse(
                    &name,
                    &format!(
                        "is not a regular file (tar type {:?})",
                        other.as_byte() as char
                    ),
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_first_bytes() {
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(ArchiveKind::detect(&tar, "x"), Some(ArchiveKind::Tar));
        assert_eq!(
            ArchiveKind::detect(b"PK\x03\x04rest", "site"),
            Some(ArchiveKind::Zip)
        );
        assert_eq!(
            ArchiveKind::detect(&[0x1f, 0x8b, 8, 0], "a.bin"),
            Some(ArchiveKind::TarGz)
        );
        assert_eq!(
            ArchiveKind::detect(b"old tar", "old.TAR"),
            Some(ArchiveKind::Tar)
        );
        assert_eq!(ArchiveKind::detect(b"hello", "hello.zip"), None);
    }

    #[test]
    fn entry_names_become_paths_under_the_directory() {
        let dir = FilePath::parse("site/1.0").unwrap();
        let ok = |raw: &str| entry_path(Some(&dir), raw).unwrap().map(|p| p.to_string());
        assert_eq!(ok("content.jar").as_deref(), Some("site/1.0/content.jar"));
        assert_eq!(
            ok("./plugins/a.jar").as_deref(),
            Some("site/1.0/plugins/a.jar")
        );
        assert_eq!(ok("./"), None);
        assert_eq!(entry_path(None, "a/b").unwrap().unwrap().as_str(), "a/b");
        for (raw, why) in [
            ("/etc/passwd", "absolute"),
            ("\\windows", "absolute"),
            ("C:/x", "drive letter"),
            ("../evil", ".."),
            ("a/../../evil", ".."),
            ("a\\..\\b", ".."),
            ("a//b", "valid file path"),
            ("a/./b", "valid file path"),
            ("a\nb", "valid file path"),
        ] {
            let e = entry_path(Some(&dir), raw).unwrap_err();
            assert!(e.contains(why), "{raw}: {e}");
        }
    }

    #[test]
    fn the_budget_stops_bombs_and_floods() {
        let limits = ExplodeLimits {
            max_entries: 2,
            max_total_bytes: 1000,
            max_ratio: 10,
            ratio_floor_bytes: 100,
        };
        let mut b = Budget {
            limits,
            consumed: Arc::new(AtomicU64::new(20)),
            total: 0,
            entries: 0,
        };
        b.add_bytes(200).unwrap(); // 10 × 20
        assert!(matches!(b.add_bytes(1), Err(ExplodeError::Bomb(10))));
        let mut b = Budget {
            consumed: Arc::new(AtomicU64::new(500)),
            total: 0,
            ..b
        };
        assert!(matches!(
            b.add_bytes(1001),
            Err(ExplodeError::TooLarge(1000))
        ));
        b.add_entry().unwrap();
        b.add_entry().unwrap();
        assert!(matches!(
            b.add_entry(),
            Err(ExplodeError::TooManyEntries(2))
        ));
    }
}
