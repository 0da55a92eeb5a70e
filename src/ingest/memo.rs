//! The input-hash memo: each input file's BLAKE3 content hash, remembered by the file's
//! metadata, so that a command on an unchanged snapshot does not read and hash hundreds of
//! megabytes again to find its cache key (issue #17).
//!
//! Owns: the memo file (`stat-<hash of the input's canonical path>.vpcv-memo` in the cache
//! directory), when a remembered hash is trusted, atomic writes of the memo.
//! Must not touch: the snapshot cache file format or the cache key's other parts
//! (`ingest::cache`), `sim`, `smt`, `query`. Implements no rule id.
//!
//! The rule is git's index and ccache's inode cache: a file's remembered hash is used only when
//! its device, inode, size, modification time and status-change time (both in nanoseconds) are
//! all what they were when it was hashed, and both times are strictly older than the memo file's
//! own modification time. The last condition is git's "racily clean" rule: a file changed in the
//! same clock tick as it was hashed could keep all five values, so such a file is hashed again
//! (and the memo rewritten, which makes it trusted next time). Rewriting a file's bytes and then
//! putting its size and modification time back (`touch -d`) still changes its status-change time,
//! which no unprivileged program can set, so that file is hashed again. What the memo cannot see
//! is a change that keeps all five values: writing the device directly, or a clock set backwards
//! by root. `--no-cache` is the answer there. On platforms without inode numbers and
//! status-change times (not Unix) nothing is remembered and every file is hashed every time.
//!
//! The memo only saves the hashing: the cache key is still the content hash, so a memo that is
//! wrong, corrupt or missing can at worst cost a miss, or (a memo deliberately forged to pair
//! one file's metadata with another file's hash) name another snapshot of the same input path.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"VPCVSTAT";
const VERSION: u32 = 1;
const HEADER_LEN: usize = 8 + 4 + 32;
/// The memo files' extension.
pub const EXTENSION: &str = "vpcv-memo";

/// A file's identity and times as the file system reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stat {
    dev: u64,
    ino: u64,
    size: u64,
    /// Modification time, nanoseconds since the epoch.
    mtime: i128,
    /// Status-change time, nanoseconds since the epoch.
    ctime: i128,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    stat: Stat,
    hash: [u8; 32],
}

/// The memo of one input (a file or a directory of files).
#[derive(Debug)]
pub struct Memo {
    /// Where it is kept; `None` when nothing is remembered (no cache directory, not Unix).
    file: Option<PathBuf>,
    /// The memo file's own modification time (nanoseconds), when it was read.
    written: Option<i128>,
    entries: BTreeMap<String, Entry>,
    changed: bool,
    /// How many files were hashed, and how many hashes were taken from the memo.
    pub hashed: usize,
    /// See [`Memo::hashed`].
    pub remembered: usize,
}

impl Memo {
    /// The memo of the input at `root`, kept in `dir`; empty when there is none or it cannot be
    /// read or checked (it is only a hint: nothing is lost by hashing again).
    pub fn open(dir: Option<&Path>, root: &Path) -> Memo {
        let mut memo = Memo {
            file: None,
            written: None,
            entries: BTreeMap::new(),
            changed: false,
            hashed: 0,
            remembered: 0,
        };
        if !cfg!(unix) {
            return memo;
        }
        let (Some(dir), Ok(canonical)) = (dir, root.canonicalize()) else {
            return memo;
        };
        let name = blake3::hash(canonical.display().to_string().as_bytes()).to_hex();
        let file = dir.join(format!("stat-{}.{EXTENSION}", &name[..32]));
        if let Some((written, entries)) = read(&file) {
            memo.written = Some(written);
            memo.entries = entries;
        }
        memo.file = Some(file);
        memo
    }

    /// The content hash of `file` (named `rel` within the input): remembered when its metadata
    /// says it is unchanged, else read and hashed (memory-mapped, on every core for a large
    /// file) and remembered when its metadata did not change while it was read.
    pub fn hash(&mut self, file: &Path, rel: &str) -> Result<blake3::Hash, String> {
        let before = stat(file);
        if let (Some(now), Some(written), Some(entry)) = (before, self.written, self.entries.get(rel))
            && entry.stat == now
            && now.mtime < written
            && now.ctime < written
        {
            self.remembered += 1;
            return Ok(blake3::Hash::from_bytes(entry.hash));
        }
        let mut h = blake3::Hasher::new();
        h.update_mmap_rayon(file)
            .map_err(|e| format!("{}: {e}", file.display()))?;
        let hash = h.finalize();
        self.hashed += 1;
        if self.file.is_some() {
            match (before, stat(file)) {
                (Some(a), Some(b)) if a == b => {
                    self.entries.insert(
                        rel.to_owned(),
                        Entry {
                            stat: a,
                            hash: *hash.as_bytes(),
                        },
                    );
                }
                _ => {
                    self.entries.remove(rel);
                }
            }
            self.changed = true;
        }
        Ok(hash)
    }

    /// Writes the memo back if anything was hashed, keeping only the files named in `keep`
    /// (best effort: a memo that cannot be written only means hashing again next time).
    pub fn save(&mut self, keep: &[String]) {
        let Some(file) = &self.file else { return };
        let before = self.entries.len();
        self.entries.retain(|rel, _| keep.contains(rel));
        if !self.changed && self.entries.len() == before {
            return;
        }
        let _ = write(file, &self.entries);
    }
}

#[cfg(unix)]
fn stat(file: &Path) -> Option<Stat> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(file).ok()?;
    let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
    Some(Stat {
        dev: m.dev(),
        ino: m.ino(),
        size: m.size(),
        mtime: ns(m.mtime(), m.mtime_nsec()),
        ctime: ns(m.ctime(), m.ctime_nsec()),
    })
}

#[cfg(not(unix))]
fn stat(_file: &Path) -> Option<Stat> {
    None
}

/// The memo file's modification time and entries, if it is one and its checksum holds.
fn read(file: &Path) -> Option<(i128, BTreeMap<String, Entry>)> {
    let written = stat(file)?.mtime;
    let bytes = std::fs::read(file).ok()?;
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC || bytes[8..12] != VERSION.to_le_bytes() {
        return None;
    }
    let payload = &bytes[HEADER_LEN..];
    if blake3::hash(payload).as_bytes() != &bytes[12..HEADER_LEN] {
        return None;
    }
    let entries = rmp_serde::from_slice(payload).ok()?;
    Some((written, entries))
}

/// Writes the memo atomically (a temporary file renamed over it).
fn write(file: &Path, entries: &BTreeMap<String, Entry>) -> Result<(), String> {
    let dir = file.parent().ok_or("no directory")?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let payload = rmp_serde::to_vec(entries).map_err(|e| e.to_string())?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .suffix(&format!(".{EXTENSION}"))
        .tempfile_in(dir)
        .map_err(|e| e.to_string())?;
    let f = tmp.as_file_mut();
    f.write_all(MAGIC).map_err(|e| e.to_string())?;
    f.write_all(&VERSION.to_le_bytes()).map_err(|e| e.to_string())?;
    f.write_all(blake3::hash(&payload).as_bytes())
        .map_err(|e| e.to_string())?;
    f.write_all(&payload).map_err(|e| e.to_string())?;
    f.flush().map_err(|e| e.to_string())?;
    tmp.persist(file).map_err(|e| e.error.to_string())?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    /// Sets a file's modification time to `secs` seconds after the epoch.
    fn set_mtime(file: &Path, secs: u64) {
        let f = std::fs::File::options().append(true).open(file).unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
            .unwrap();
    }

    #[test]
    fn a_remembered_hash_is_used_only_for_an_unchanged_file() {
        let input = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let file = input.path().join("a.json");
        std::fs::write(&file, b"{\"Vpcs\": []}").unwrap();
        // An old modification time, so that the file is not racily clean.
        set_mtime(&file, 1_000_000_000);
        let want = blake3::hash(b"{\"Vpcs\": []}");

        let mut memo = Memo::open(Some(cache.path()), input.path());
        assert_eq!(memo.hash(&file, "a.json").unwrap(), want);
        assert_eq!((memo.hashed, memo.remembered), (1, 0));
        memo.save(&["a.json".into()]);

        // The memo may have been written in the same clock tick as the file's status changed
        // (set_mtime): then the file is racily clean and hashed again, and the rewritten memo
        // is trusted a later time.
        let mut remembered = false;
        for _ in 0..3 {
            std::thread::sleep(std::time::Duration::from_millis(20));
            let mut memo = Memo::open(Some(cache.path()), input.path());
            assert_eq!(memo.hash(&file, "a.json").unwrap(), want);
            if memo.remembered == 1 {
                assert_eq!(memo.hashed, 0);
                remembered = true;
                break;
            }
            memo.save(&["a.json".into()]);
        }
        assert!(remembered, "an unchanged file's hash is remembered");

        // One byte changed, the size and the modification time put back: the status-change
        // time moved, so the file is hashed again and the new hash is the answer.
        std::fs::write(&file, b"{\"Vpcs\": {}}").unwrap();
        set_mtime(&file, 1_000_000_000);
        let mut memo = Memo::open(Some(cache.path()), input.path());
        assert_eq!(memo.hash(&file, "a.json").unwrap(), blake3::hash(b"{\"Vpcs\": {}}"));
        assert_eq!((memo.hashed, memo.remembered), (1, 0));
    }

    #[test]
    fn a_corrupt_memo_is_ignored() {
        let input = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let file = input.path().join("a.json");
        std::fs::write(&file, b"[]").unwrap();
        set_mtime(&file, 1_000_000_000);
        let mut memo = Memo::open(Some(cache.path()), input.path());
        memo.hash(&file, "a.json").unwrap();
        memo.save(&["a.json".into()]);
        let memo_file = memo.file.clone().unwrap();
        let mut bytes = std::fs::read(&memo_file).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x5a;
        std::fs::write(&memo_file, &bytes).unwrap();
        let mut memo = Memo::open(Some(cache.path()), input.path());
        assert!(memo.entries.is_empty(), "a memo whose checksum fails is not read");
        assert_eq!(memo.hash(&file, "a.json").unwrap(), blake3::hash(b"[]"));
        assert_eq!(memo.hashed, 1);
    }
}
