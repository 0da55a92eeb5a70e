//! The concrete packet simulator: the executable reference semantics (not implemented yet).
