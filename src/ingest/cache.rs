//! The snapshot cache: the lowered and validated model of an input, kept on disk so that the
//! second and later commands on the same snapshot skip reading, parsing, lowering and validating
//! it (issue #17).
//!
//! Owns: validating and indexing a loaded network for the command line (on a miss), the cache
//! key (a BLAKE3 hash of every input file's path and contents, the load options and the binary's
//! identity; the contents' hashes come through `ingest::memo`, which skips unchanged files), the cache file format and its checks, atomic writes, pruning.
//! Must not touch: `sim`, `smt`, `query`, printing (what happened is returned as a
//! [`CacheReport`] for the command line to print). Implements no rule id: a hit returns exactly
//! the network and diagnostics a load would have produced.
//!
//! File format (`<key>.vpcv-snapshot`): the magic `VPCVSNAP`, the format version (u32 LE), the
//! 32-byte key, the payload length (u64 LE), the payload's BLAKE3 hash, then the payload: parts,
//! each its length (u64 LE) and MessagePack (`rmp-serde`). The parts are the contents (how many
//! chunks follow), the network without its interfaces and instances, its index, the diagnostics
//! with the source, then the interfaces and the instances in chunks of [`CHUNK`] entries in key
//! order. The index and the chunks are written as arrays without field names, in
//! `model::wire::dense` mode (no empty field left out); the network and the diagnostics keep
//! their field names, because some of their enums read back only from maps. The parts are decoded
//! side by side, on every core. A file whose magic, version, key, length or hash does not match
//! is ignored with a warning and replaced: never trusted.

use super::{IngestError, LoadOptions, Loaded};
use crate::model::{
    Diagnostic, Instance, InstanceId, Network, NetworkIndex, NetworkInterface, NetworkInterfaceId, wire,
};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Bump when the payload's shape changes in a way the binary identity would not catch.
const FORMAT_VERSION: u32 = 3;
const MAGIC: &[u8; 8] = b"VPCVSNAP";
const HEADER_LEN: usize = 8 + 4 + 32 + 8 + 32;
const EXTENSION: &str = "vpcv-snapshot";
/// How many snapshots the cache directory keeps (the most recently written or used).
pub const KEEP: usize = 4;
/// How many input-hash memos (`ingest::memo`, a few hundred bytes each, one per input path) the
/// cache directory keeps.
pub const KEEP_MEMOS: usize = 64;
/// Inputs smaller than this (in bytes, all files together) are not cached by default: they load
/// faster than a cache file is checked.
pub const DEFAULT_MIN_BYTES: u64 = 1 << 20;
/// The environment variable that overrides the cache directory (`--cache-dir` wins over it).
pub const ENV_DIR: &str = "VPCVERIFY_CACHE_DIR";
/// The environment variable that overrides [`DEFAULT_MIN_BYTES`].
pub const ENV_MIN_BYTES: &str = "VPCVERIFY_CACHE_MIN_BYTES";

/// Whether and where to cache.
#[derive(Debug, Clone, Default)]
pub struct CacheOptions {
    /// The cache directory; `None` disables the cache (`--no-cache`, or no cache directory on
    /// this platform).
    pub dir: Option<PathBuf>,
    /// Inputs smaller than this many bytes are loaded, not cached.
    pub min_bytes: u64,
    /// The command line prints the [`CacheReport`] (what the cache did and where the load's time
    /// went) on stderr (`--verbose`).
    pub verbose: bool,
}

impl CacheOptions {
    /// The cache as the command line and the environment choose it: `--no-cache` disables it;
    /// else `--cache-dir`, else `VPCVERIFY_CACHE_DIR`, else the platform's cache directory
    /// (`$XDG_CACHE_HOME/vpcverify` or `~/.cache/vpcverify` on Linux, `~/Library/Caches/vpcverify`
    /// on macOS, `%LOCALAPPDATA%\vpcverify\cache` on Windows).
    pub fn from_env(no_cache: bool, dir: Option<&Path>) -> Self {
        let min_bytes = std::env::var(ENV_MIN_BYTES)
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(DEFAULT_MIN_BYTES);
        if no_cache {
            return CacheOptions {
                dir: None,
                min_bytes,
                verbose: false,
            };
        }
        let dir = dir
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os(ENV_DIR).filter(|v| !v.is_empty()).map(PathBuf::from))
            .or_else(default_dir);
        CacheOptions {
            dir,
            min_bytes,
            verbose: false,
        }
    }
}

/// The platform's cache directory for vpcverify.
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "vpcverify").map(|d| d.cache_dir().to_path_buf())
}

/// What the cache did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheStatus {
    /// Disabled (`--no-cache`, or no cache directory).
    Disabled,
    /// The input is smaller than the threshold, or is not a plain file or directory of files.
    NotCached(String),
    /// Read from this cache file.
    Hit(PathBuf),
    /// Loaded from the input and written to this cache file.
    Written(PathBuf),
    /// Loaded from the input; writing the cache file failed or was skipped (why).
    Miss(String),
}

/// What the cache did and had to say, for the command line to print.
#[derive(Debug, Clone)]
pub struct CacheReport {
    /// Hit, written, ….
    pub status: CacheStatus,
    /// Problems that did not stop the command: a corrupt or foreign cache file, a cache
    /// directory that cannot be written.
    pub warnings: Vec<String>,
    /// Time spent hashing the input.
    pub hashing: Duration,
    /// Time spent reading and checking the cache file (hit) or loading the input (miss).
    pub loading: Duration,
    /// Time spent validating (zero on a hit).
    pub validating: Duration,
    /// Time spent writing the cache file.
    pub writing: Duration,
    /// Bytes of input (all files together).
    pub input_bytes: u64,
    /// Input files read and hashed, and input files whose hash the memo gave
    /// (`ingest::memo`: unchanged since they were last hashed).
    pub files_hashed: usize,
    /// See [`CacheReport::files_hashed`].
    pub files_remembered: usize,
}

/// A loaded network with its validation diagnostics and its index.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The network, ingest's diagnostics and the source.
    pub loaded: Loaded,
    /// What `model::validate` says about the network.
    pub validation: Vec<Diagnostic>,
    /// The network's lookups.
    pub index: NetworkIndex,
}

#[derive(Serialize)]
struct RestRef<'a> {
    diagnostics: &'a [Diagnostic],
    source: &'a str,
    validation: &'a [Diagnostic],
}

#[derive(Deserialize)]
struct Rest {
    diagnostics: Vec<Diagnostic>,
    source: String,
    validation: Vec<Diagnostic>,
}

/// Validates and indexes a network: side by side on a large one (each takes tens of
/// milliseconds; the index is wasted when the network has errors).
pub fn validate_and_index(net: &Network) -> (Vec<Diagnostic>, NetworkIndex) {
    if net.network_interfaces.len() < 1000 {
        // A small network: not worth starting rayon's threads for.
        (crate::model::validate::validate(net), NetworkIndex::new(net))
    } else {
        rayon::join(|| crate::model::validate::validate(net), || NetworkIndex::new(net))
    }
}

/// One input file as hashed: its path, length and modification time (to notice a file changed
/// while it was loaded).
type Stamp = (PathBuf, u64, Option<std::time::SystemTime>);

/// Loads `path` as [`super::load_with`] does, validates and indexes it, through the cache.
pub fn load(path: &Path, options: &LoadOptions, cache: &CacheOptions) -> Result<(Snapshot, CacheReport), IngestError> {
    let mut report = CacheReport {
        status: CacheStatus::Disabled,
        warnings: Vec::new(),
        hashing: Duration::ZERO,
        loading: Duration::ZERO,
        validating: Duration::ZERO,
        writing: Duration::ZERO,
        input_bytes: 0,
        files_hashed: 0,
        files_remembered: 0,
    };
    let Some(dir) = &cache.dir else {
        let snap = load_and_validate(path, options, &mut report)?;
        return Ok((snap, report));
    };
    let started = Instant::now();
    let inputs = match input_files(path) {
        Ok(files) => files,
        Err(why) => {
            report.status = CacheStatus::NotCached(why);
            let snap = load_and_validate(path, options, &mut report)?;
            return Ok((snap, report));
        }
    };
    report.input_bytes = inputs.iter().map(|s| s.1).sum();
    if report.input_bytes < cache.min_bytes {
        report.status = CacheStatus::NotCached(format!(
            "the input is {} bytes, under the {} bytes worth caching",
            report.input_bytes, cache.min_bytes
        ));
        let snap = load_and_validate(path, options, &mut report)?;
        return Ok((snap, report));
    }
    let mut memo = super::memo::Memo::open(Some(dir), path);
    let key = key(path, options, &inputs, &mut memo);
    report.files_hashed = memo.hashed;
    report.files_remembered = memo.remembered;
    let key = match key {
        Ok(k) => {
            memo.save(&inputs.iter().map(|(f, _, _)| relative(path, f)).collect::<Vec<_>>());
            k
        }
        Err(why) => {
            report.status = CacheStatus::NotCached(why);
            let snap = load_and_validate(path, options, &mut report)?;
            return Ok((snap, report));
        }
    };
    report.hashing = started.elapsed();
    let file = dir.join(format!("{}.{EXTENSION}", key.to_hex()));
    let started = Instant::now();
    match read(&file, &key) {
        Ok(Some(snap)) => {
            report.loading = started.elapsed();
            report.status = CacheStatus::Hit(file.clone());
            // Mark it used, so that pruning keeps it (best effort).
            if let Ok(f) = std::fs::File::options().append(true).open(&file) {
                let _ = f.set_modified(std::time::SystemTime::now());
            }
            return Ok((snap, report));
        }
        Ok(None) => {}
        Err(why) => report.warnings.push(format!(
            "ignoring the snapshot cache file {}: {why}; loading the input instead (the file will be replaced)",
            file.display()
        )),
    }
    let snap = load_and_validate(path, options, &mut report)?;
    // A file that changed while it was loaded: the model may not be the one the key names.
    let unchanged = input_files(path).is_ok_and(|now| now == inputs);
    if !unchanged {
        report.status = CacheStatus::Miss("an input file changed while it was read; not cached".into());
        return Ok((snap, report));
    }
    let started = Instant::now();
    let mut snap = snap;
    match write(dir, &file, &key, &mut snap) {
        Ok(()) => {
            report.status = CacheStatus::Written(file);
            prune(dir, KEEP);
        }
        Err(why) => {
            report.warnings.push(format!(
                "cannot write the snapshot cache file {}: {why} (`--no-cache` skips the cache)",
                file.display()
            ));
            report.status = CacheStatus::Miss(why);
        }
    }
    report.writing = started.elapsed();
    Ok((snap, report))
}

fn load_and_validate(path: &Path, options: &LoadOptions, report: &mut CacheReport) -> Result<Snapshot, IngestError> {
    let started = Instant::now();
    let loaded = super::load_with(path, options)?;
    report.loading = started.elapsed();
    let started = Instant::now();
    let (validation, index) = validate_and_index(&loaded.network);
    report.validating = started.elapsed();
    Ok(Snapshot {
        loaded,
        validation,
        index,
    })
}

/// The files a load of `path` reads, each with its length and modification time; an error
/// (why the input is not cached) for anything but a regular file or a directory of them.
fn input_files(path: &Path) -> Result<Vec<Stamp>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    let files: Vec<PathBuf> = if meta.is_dir() {
        let (paths, _) = super::aws::json_paths(path).map_err(|e| e.to_string())?;
        if paths.iter().any(|(_, problem)| problem.is_some()) {
            return Err("an input entry is not a regular file".into());
        }
        paths.into_iter().map(|(p, _)| p).collect()
    } else if meta.is_file() {
        vec![path.to_path_buf()]
    } else {
        return Err("the input is not a regular file or a directory".into());
    };
    files
        .into_iter()
        .map(|f| {
            let m = std::fs::metadata(&f).map_err(|e| format!("{}: {e}", f.display()))?;
            if !m.is_file() {
                return Err(format!("{} is not a regular file", f.display()));
            }
            Ok((f, m.len(), m.modified().ok()))
        })
        .collect()
}

/// The key: the cache format, the binary (version, commit, features, and the executable's size
/// and modification time, so that a rebuild never reads an older build's snapshot), the input
/// path as given (provenance names files by it), the load options, and each input file's path
/// (relative to the input) and contents (each file's content hash, which the memo gives for a
/// file unchanged since it was last hashed: `ingest::memo`).
fn key(
    path: &Path,
    options: &LoadOptions,
    inputs: &[Stamp],
    memo: &mut super::memo::Memo,
) -> Result<blake3::Hash, String> {
    let mut h = blake3::Hasher::new();
    let field = |h: &mut blake3::Hasher, bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(&mut h, MAGIC);
    field(&mut h, &FORMAT_VERSION.to_le_bytes());
    field(&mut h, binary_identity().as_bytes());
    field(&mut h, path.display().to_string().as_bytes());
    field(
        &mut h,
        format!("{:?}|{:?}", options.aws_ip_ranges, options.onprem).as_bytes(),
    );
    field(&mut h, &(inputs.len() as u64).to_le_bytes());
    for (file, len, _) in inputs {
        let rel = relative(path, file);
        field(&mut h, rel.as_bytes());
        // Each file's own content hash, then its length.
        field(&mut h, memo.hash(file, &rel)?.as_bytes());
        field(&mut h, &len.to_le_bytes());
    }
    Ok(h.finalize())
}

/// An input file's name relative to the input (empty for an input that is one file).
fn relative(path: &Path, file: &Path) -> String {
    file.strip_prefix(path).unwrap_or(file).display().to_string()
}

/// What identifies this build of vpcverify.
fn binary_identity() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| format!("{}:{:?}", m.len(), m.modified().ok()))
        .unwrap_or_default();
    format!(
        "{} {} vendored-z3={} {exe}",
        env!("CARGO_PKG_VERSION"),
        env!("VPCVERIFY_GIT_COMMIT"),
        cfg!(feature = "vendored-z3")
    )
}

/// Reads and checks a cache file: `Ok(None)` when there is none, an error (why it is not
/// trusted) when it is corrupt or another's.
fn read(file: &Path, key: &blake3::Hash) -> Result<Option<Snapshot>, String> {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read it: {e}")),
    };
    let payload = check(&bytes, key)?;
    decode(payload).map(Some)
}

/// The payload's first part: how many chunks of interfaces and of instances follow the fixed
/// parts.
#[derive(Serialize, Deserialize)]
struct Contents {
    interface_chunks: u32,
    instance_chunks: u32,
}

/// How many interfaces or instances one chunk holds: small enough that the chunks keep every
/// core busy to the end, large enough that there are not many.
const CHUNK: usize = 8192;

/// The parts of a payload: the contents, the network (without interfaces and instances), the
/// index, the diagnostics with the source, then the chunks.
const FIXED_PARTS: usize = 4;

/// Decodes a checked payload, its parts side by side.
fn decode(payload: &[u8]) -> Result<Snapshot, String> {
    let mut parts = Vec::new();
    let mut rest = payload;
    while !rest.is_empty() {
        let (part, tail) = split(rest)?;
        parts.push(part);
        rest = tail;
    }
    let contents: Contents = match parts.first() {
        Some(p) => rmp_serde::from_slice(p).map_err(|e| format!("cannot decode its contents: {e}"))?,
        None => return Err("cannot decode it: it is empty".into()),
    };
    let (n_interfaces, n_instances) = (contents.interface_chunks as usize, contents.instance_chunks as usize);
    if parts.len() != FIXED_PARTS + n_interfaces + n_instances {
        return Err(format!(
            "cannot decode it: {} parts, its contents say {}",
            parts.len(),
            FIXED_PARTS + n_interfaces + n_instances
        ));
    }
    let (interface_parts, instance_parts) = parts[FIXED_PARTS..].split_at(n_interfaces);
    let from = |what: &'static str| move |e: rmp_serde::decode::Error| format!("cannot decode its {what}: {e}");
    // The chunks and the fixed parts side by side; each map is built as soon as its own chunks
    // are decoded, while the other parts are still being decoded.
    let ((interfaces, instances), (network, (index, rest))) = rayon::join(
        || {
            rayon::join(
                || chunks(interface_parts).map_err(from("network interfaces")),
                || chunks(instance_parts).map_err(from("instances")),
            )
        },
        || {
            rayon::join(
                || rmp_serde::from_slice::<Network>(parts[1]).map_err(from("network")),
                || {
                    rayon::join(
                        || rmp_serde::from_slice::<NetworkIndex>(parts[2]).map_err(from("index")),
                        || rmp_serde::from_slice::<Rest>(parts[3]).map_err(from("diagnostics")),
                    )
                },
            )
        },
    );
    let (mut network, index, rest) = (network?, index?, rest?);
    if !network.network_interfaces.is_empty() || !network.instances.is_empty() {
        return Err("cannot decode it: its network part holds interfaces or instances".into());
    }
    network.network_interfaces = interfaces?;
    network.instances = instances?;
    Ok(Snapshot {
        loaded: Loaded {
            network,
            diagnostics: rest.diagnostics,
            source: rest.source,
        },
        validation: rest.validation,
        index,
    })
}

/// A map written as chunks of its entries in key order, each decoded on whichever core is free.
fn chunks<K: Ord + DeserializeOwned + Send, V: DeserializeOwned + Send>(
    parts: &[&[u8]],
) -> Result<BTreeMap<K, V>, rmp_serde::decode::Error> {
    let decoded: Vec<Vec<(K, V)>> = parts
        .par_iter()
        .with_max_len(1)
        .map(|p| rmp_serde::from_slice(p))
        .collect::<Result<_, _>>()?;
    // In key order already: the map is built without a search.
    Ok(decoded.into_iter().flatten().collect())
}

/// The first part of `bytes` (its length, u64 LE, then that many bytes) and what follows it.
fn split(bytes: &[u8]) -> Result<(&[u8], &[u8]), String> {
    let short = || "cannot decode it: a part is cut short".to_owned();
    let len = bytes.get(..8).ok_or_else(short)?;
    let len = usize::try_from(u64::from_le_bytes(len.try_into().map_err(|_| short())?)).map_err(|_| short())?;
    let rest = &bytes[8..];
    if rest.len() < len {
        return Err(short());
    }
    Ok(rest.split_at(len))
}

/// The payload of a cache file whose header matches `key` and whose payload matches its hash.
fn check<'a>(bytes: &'a [u8], key: &blake3::Hash) -> Result<&'a [u8], String> {
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return Err("not a vpcverify snapshot cache file".into());
    }
    let word = |at: usize, n: usize| &bytes[at..at + n];
    let version = u32::from_le_bytes(word(8, 4).try_into().map_err(|_| "short header")?);
    if version != FORMAT_VERSION {
        return Err(format!(
            "cache format {version}, this vpcverify writes format {FORMAT_VERSION}"
        ));
    }
    if word(12, 32) != key.as_bytes() {
        return Err("its key is not the one its name says".into());
    }
    let len = u64::from_le_bytes(word(44, 8).try_into().map_err(|_| "short header")?);
    let payload = &bytes[HEADER_LEN..];
    if payload.len() as u64 != len {
        return Err(format!(
            "truncated: {} bytes of payload, the header says {len}",
            payload.len()
        ));
    }
    let mut h = blake3::Hasher::new();
    h.update_rayon(payload);
    if h.finalize().as_bytes() != word(52, 32) {
        return Err("checksum mismatch (the file is corrupt)".into());
    }
    Ok(payload)
}

/// Writes a cache file atomically: a temporary file in the same directory, renamed over `file`,
/// so that a concurrent reader sees the whole old file, the whole new one, or none.
fn write(dir: &Path, file: &Path, key: &blake3::Hash, snap: &mut Snapshot) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // The interfaces and instances are parts of their own: taken out of the network while it is
    // encoded (no copy of the model), then put back.
    let net = &mut snap.loaded.network;
    let interfaces = std::mem::take(&mut net.network_interfaces);
    let instances = std::mem::take(&mut net.instances);
    let encoded = encode_parts(snap, &interfaces, &instances);
    snap.loaded.network.network_interfaces = interfaces;
    snap.loaded.network.instances = instances;
    let payload = encoded.map_err(|e| format!("cannot encode the snapshot: {e}"))?;
    let mut h = blake3::Hasher::new();
    h.update_rayon(&payload);
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .suffix(&format!(".{EXTENSION}"))
        .tempfile_in(dir)
        .map_err(|e| e.to_string())?;
    let f = tmp.as_file_mut();
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    header.extend_from_slice(key.as_bytes());
    header.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    header.extend_from_slice(h.finalize().as_bytes());
    f.write_all(&header).map_err(|e| e.to_string())?;
    f.write_all(&payload).map_err(|e| e.to_string())?;
    f.flush().map_err(|e| e.to_string())?;
    tmp.persist(file).map_err(|e| e.error.to_string())?;
    Ok(())
}

/// The payload of a snapshot whose network's interfaces and instances were taken out (and are
/// given here): each part its length, then its bytes (see [`decode`] for the parts). The
/// interfaces, instances and index are written as arrays, in [`wire::dense`] mode; the network
/// and the diagnostics keep their field names (some of their enums read back only from maps).
fn encode_parts(
    snap: &Snapshot,
    interfaces: &BTreeMap<NetworkInterfaceId, NetworkInterface>,
    instances: &BTreeMap<InstanceId, Instance>,
) -> Result<Vec<u8>, rmp_serde::encode::Error> {
    let interfaces: Vec<_> = interfaces.iter().collect();
    let instances: Vec<_> = instances.iter().collect();
    let contents = Contents {
        interface_chunks: u32::try_from(interfaces.len().div_ceil(CHUNK)).unwrap_or(u32::MAX),
        instance_chunks: u32::try_from(instances.len().div_ceil(CHUNK)).unwrap_or(u32::MAX),
    };
    let rest = RestRef {
        diagnostics: &snap.loaded.diagnostics,
        source: &snap.loaded.source,
        validation: &snap.validation,
    };
    let fixed: [&(dyn Fn() -> Result<Vec<u8>, rmp_serde::encode::Error> + Sync); FIXED_PARTS] = [
        &|| rmp_serde::to_vec(&contents),
        &|| rmp_serde::to_vec_named(&snap.loaded.network),
        &|| wire::dense(|| rmp_serde::to_vec(&snap.index)),
        &|| rmp_serde::to_vec_named(&rest),
    ];
    let encoded: Vec<Result<Vec<u8>, rmp_serde::encode::Error>> = fixed
        .par_iter()
        .map(|f| f())
        .chain(
            interfaces
                .par_chunks(CHUNK)
                .map(|c| wire::dense(|| rmp_serde::to_vec(c))),
        )
        .chain(
            instances
                .par_chunks(CHUNK)
                .map(|c| wire::dense(|| rmp_serde::to_vec(c))),
        )
        .collect();
    let mut payload = Vec::new();
    for part in encoded {
        let part = part?;
        payload.extend_from_slice(&(part.len() as u64).to_le_bytes());
        payload.extend_from_slice(&part);
    }
    Ok(payload)
}

/// Keeps the `keep` most recently used snapshots in `dir` and the [`KEEP_MEMOS`] most recently
/// written input-hash memos (best effort: another process may be pruning too), and removes
/// temporary files a killed process left over an hour ago.
fn prune(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut snaps: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    let mut memos: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    let now = std::time::SystemTime::now();
    for e in entries.flatten() {
        let path = e.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let memo = name.ends_with(super::memo::EXTENSION);
        if !name.ends_with(EXTENSION) && !memo {
            continue;
        }
        let Ok(modified) = e.metadata().and_then(|m| m.modified()) else {
            continue;
        };
        if name.starts_with(".tmp-") {
            if now
                .duration_since(modified)
                .is_ok_and(|age| age > Duration::from_secs(3600))
            {
                let _ = std::fs::remove_file(&path);
            }
            continue;
        }
        if memo { &mut memos } else { &mut snaps }.push((modified, path));
    }
    for (mut files, keep) in [(snaps, keep), (memos, KEEP_MEMOS)] {
        files.sort_by_key(|s| std::cmp::Reverse(s.0));
        for (_, path) in files.into_iter().skip(keep) {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_is_checked_before_it_is_trusted() {
        let key = blake3::hash(b"k");
        let payload = b"hello";
        let mut bytes = Vec::new();
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        bytes.extend_from_slice(key.as_bytes());
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes.extend_from_slice(blake3::hash(payload).as_bytes());
        bytes.extend_from_slice(payload);
        assert_eq!(check(&bytes, &key), Ok(&payload[..]));
        let other = blake3::hash(b"other");
        assert!(check(&bytes, &other).unwrap_err().contains("key"));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(check(&flipped, &key).unwrap_err().contains("checksum"));
        assert!(
            check(&bytes[..bytes.len() - 1], &key)
                .unwrap_err()
                .contains("truncated")
        );
        let mut version = bytes.clone();
        version[8] = 99;
        assert!(check(&version, &key).unwrap_err().contains("format 99"));
        assert!(check(b"{\"Vpcs\": []}", &key).unwrap_err().contains("not a vpcverify"));
    }
}
