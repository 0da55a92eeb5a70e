//! Queries, endpoints and verdicts (not implemented yet).
