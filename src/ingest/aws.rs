//! AWS `describe-*` JSON snapshots: a directory of files or one merged file.
//!
//! (Filled by the foundation issue's AWS loader.)

use super::{IngestError, Loaded};
use std::path::{Path, PathBuf};

/// Loads every `*.json` file of a directory as one snapshot.
pub fn load_dir(dir: &Path) -> Result<Loaded, IngestError> {
    Err(IngestError::Format {
        file: dir.display().to_string(),
        message: "AWS snapshot loading is not implemented yet".into(),
    })
}

/// Loads already-parsed JSON documents `(path, shown name, value)` as one snapshot.
pub fn load_files(files: &[(PathBuf, String, serde_json::Value)]) -> Result<Loaded, IngestError> {
    let file = files.first().map(|f| f.1.clone()).unwrap_or_default();
    Err(IngestError::Format {
        file,
        message: "AWS snapshot loading is not implemented yet".into(),
    })
}
