//! How the model's serde derives leave out empty fields, and the dense mode that keeps them.
//!
//! Owns: the `skip_serializing_if` predicates of the model types the snapshot cache writes as
//! arrays, and the per-thread switch ([`dense`]) under which none of them skips. Output (JSON
//! answers, schemas) leaves an empty optional field out; the snapshot cache (`ingest::cache`)
//! writes the interfaces, instances and index as MessagePack arrays, without field names, which
//! is a third faster to read back but needs every field present, in order.
//! Must not touch: anything but serialization. Implements no rule id.

use std::cell::Cell;

thread_local! {
    static DENSE: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with every field written, none left out (on this thread).
pub fn dense<T>(f: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            DENSE.set(self.0);
        }
    }
    let _restore = Restore(DENSE.replace(true));
    f()
}

/// Leave out a `None`, unless in [`dense`] mode.
pub fn skip_none<T>(value: &Option<T>) -> bool {
    value.is_none() && !DENSE.get()
}

/// Leave out a `false`, unless in [`dense`] mode.
pub fn skip_false(value: &bool) -> bool {
    !*value && !DENSE.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_mode_keeps_what_output_leaves_out_and_ends_with_its_closure() {
        assert!(skip_none::<u32>(&None) && skip_false(&false));
        dense(|| {
            assert!(!skip_none::<u32>(&None) && !skip_false(&false));
            dense(|| assert!(!skip_false(&false)));
            assert!(
                !skip_false(&false),
                "an inner dense call restores dense mode, not plain"
            );
        });
        assert!(skip_none::<u32>(&None) && skip_false(&false));
        assert!(!skip_none(&Some(1)) && !skip_false(&true));
    }
}
