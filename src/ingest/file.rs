//! Reading one input file from disk, whatever the path turns out to be (issue #18 item 2).
//!
//! Owns: the checks made before a byte is read (the path leads to a regular file: not a dangling
//! or looping symbolic link, a directory, a FIFO, a socket or a device), the size limit
//! [`MAX_INPUT_BYTES`], and turning bytes into text (invalid UTF-8 is an error at its line and
//! column, never replaced).
//! Must not touch: parsing; what the bytes mean is each format's loader's business.
//!
//! Why before opening: opening a FIFO blocks until a writer comes, and a character device such as
//! `/dev/zero` never ends; `metadata` (which follows links) says what the path is without opening
//! it. The opened file is checked again (`fstat`) and read through a limit, so a file swapped or
//! growing meanwhile is still bounded.

use super::IngestError;
use std::io::Read;
use std::path::Path;

/// The largest input file read: 2 GiB. A real `describe-*` output of a large account is tens of
/// megabytes; anything past this is refused rather than read into memory.
pub const MAX_INPUT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// What `MAX_INPUT_BYTES` is called in messages.
const MAX_SHOWN: &str = "2 GiB";

/// Why `path` is not a regular file that can be read, if it is not one: `None` when it is. The
/// reason is worded for the person who put the entry there.
pub fn not_a_file(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(meta) => kind_problem(&meta),
        Err(e) => {
            let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            Some(if link {
                format!("it is a symbolic link that does not lead to a file ({e})")
            } else {
                e.to_string()
            })
        }
    }
}

fn kind_problem(meta: &std::fs::Metadata) -> Option<String> {
    let t = meta.file_type();
    let what = if t.is_file() {
        return (meta.len() > MAX_INPUT_BYTES).then(|| too_big(meta.len()));
    } else if t.is_dir() {
        "a directory"
    } else {
        special_kind(&t)
    };
    Some(format!(
        "it is {what}, not a regular file: expected `aws ec2 describe-*` JSON output or a spec"
    ))
}

#[cfg(unix)]
fn special_kind(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

fn too_big(len: u64) -> String {
    format!("it is {len} bytes, more than the {MAX_SHOWN} ({MAX_INPUT_BYTES} bytes) an input file may hold")
}

/// Reads the whole regular file at `path` (named `shown` in errors): anything else, or a file
/// larger than [`MAX_INPUT_BYTES`], is an error naming it, and nothing is opened that could block.
pub fn read(path: &Path, shown: &str) -> Result<Vec<u8>, IngestError> {
    let io = |message: String| IngestError::Io {
        file: shown.to_owned(),
        message,
    };
    if let Some(problem) = not_a_file(path) {
        return Err(io(problem));
    }
    let file = std::fs::File::open(path).map_err(|e| io(e.to_string()))?;
    // The path may have been replaced since it was looked at: check what was opened.
    let meta = file.metadata().map_err(|e| io(e.to_string()))?;
    if let Some(problem) = kind_problem(&meta) {
        return Err(io(problem));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io(e.to_string()))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(io(format!(
            "it grew past the {MAX_SHOWN} ({MAX_INPUT_BYTES} bytes) an input file may hold while it was read"
        )));
    }
    Ok(bytes)
}

/// `bytes` as text, or an error at the line and column of the first byte that is not UTF-8 (the
/// bytes are never replaced: a rule whose name or address lost a byte would mean something else).
pub fn utf8<'b>(shown: &str, bytes: &'b [u8]) -> Result<&'b str, IngestError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        // Every byte before the bad one is valid UTF-8, so its characters can be counted.
        let column = std::str::from_utf8(good.get(line_start..).unwrap_or_default())
            .map_or(0, |s| s.chars().count())
            + 1;
        let bad = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
        IngestError::Toml {
            file: shown.to_owned(),
            line,
            column,
            message: format!(
                "invalid UTF-8 (byte 0x{bad:02x}): the file must be UTF-8 text; save it as UTF-8 (bytes are never replaced, which would change the names and addresses they spell)"
            ),
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    #[test]
    fn utf8_errors_name_the_line_and_column_of_the_bad_byte() {
        let err = utf8("s.toml", b"a = 1\nname = \"caf\xe9\"\n").unwrap_err();
        let IngestError::Toml {
            line, column, message, ..
        } = err
        else {
            unreachable!("a Toml error")
        };
        assert_eq!((line, column), (2, 12));
        assert!(message.contains("byte 0xe9"), "{message}");
        assert_eq!(utf8("s.toml", "ok = \"é\"".as_bytes()).unwrap(), "ok = \"é\"");
    }
}
