//! The rules format (§1): model, loading with locations, and checks.
