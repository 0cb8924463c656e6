//! Executing the JSONPaths of an endpoint: the compiled one-walk plan and the naive per-path oracle.

pub mod naive;
