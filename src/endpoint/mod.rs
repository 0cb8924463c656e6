//! Endpoint selection and request allow-listing (§5): path templates, `pathRegex`, query and method allow-lists, parameter schemas.
