//! The `responseSchema` allow-list filter (§4).
