//! The value functions of the transform kinds (§2).
