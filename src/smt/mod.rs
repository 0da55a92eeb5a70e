//! The symbolic engine over Z3: the only module that imports `z3` (not implemented yet).
