//! Request URLs as the proxy sees them (§5.1): the raw path and the raw query, no decoding.

/// A request URL split the way Java's `java.net.URL` splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestUrl {
    /// The raw path, always starting with `/` (`/` when the URL has none).
    pub path: String,
    /// The raw query after `?`, without the `?`; `None` when there is no `?`.
    pub query: Option<String>,
}

impl RequestUrl {
    /// Parses an absolute URL (`https://host/path?query#fragment`) or a bare path
    /// (`/path?query`). Like `java.net.URL` it is lenient: raw spaces, braces and angle
    /// brackets are kept as they are.
    pub fn parse(url: &str) -> Result<RequestUrl, String> {
        let without_fragment = url.split_once('#').map_or(url, |(u, _)| u);
        let rest = if let Some(scheme_end) = without_fragment.find("://") {
            let scheme = &without_fragment[..scheme_end];
            if scheme.is_empty()
                || !scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            {
                return Err(format!("`{scheme}` is not a URL scheme"));
            }
            let after = &without_fragment[scheme_end + 3..];
            match after.find(['/', '?']) {
                Some(i) => &after[i..],
                None => "",
            }
        } else if without_fragment.starts_with('/') {
            without_fragment
        } else {
            return Err(
                "expected an absolute URL (`https://host/path`) or a path starting with `/`"
                    .to_owned(),
            );
        };
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q.to_owned())),
            None => (rest, None),
        };
        let path = if path.is_empty() { "/" } else { path };
        Ok(RequestUrl {
            path: path.to_owned(),
            query,
        })
    }

    /// Java `URL.getFile()`: path, plus `?` and the query when there is one. `pathRegex` is
    /// matched against this (§5.3).
    pub fn file(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_url_keeps_raw_path_and_query() {
        let u = RequestUrl::parse("https://api.zoom.us/v2/meetings/a%2Fb==?x=1&y#frag")
            .expect("parses");
        assert_eq!(u.path, "/v2/meetings/a%2Fb==");
        assert_eq!(u.query.as_deref(), Some("x=1&y"));
        assert_eq!(u.file(), "/v2/meetings/a%2Fb==?x=1&y");
    }

    #[test]
    fn bare_path_is_accepted() {
        let u = RequestUrl::parse("/v2/users").expect("parses");
        assert_eq!(u.path, "/v2/users");
        assert_eq!(u.query, None);
    }

    #[test]
    fn host_only_url_has_root_path() {
        let u = RequestUrl::parse("https://example.com?x=1").expect("parses");
        assert_eq!(u.path, "/");
        assert_eq!(u.query.as_deref(), Some("x=1"));
    }

    #[test]
    fn empty_query_is_present_but_empty() {
        let u = RequestUrl::parse("/a?").expect("parses");
        assert_eq!(u.query.as_deref(), Some(""));
        assert_eq!(u.file(), "/a?");
    }

    #[test]
    fn raw_spaces_and_braces_are_kept() {
        let u =
            RequestUrl::parse("https://h/v2/report/users/{userId}/meetings?q=a b").expect("parses");
        assert_eq!(u.path, "/v2/report/users/{userId}/meetings");
        assert_eq!(u.query.as_deref(), Some("q=a b"));
    }

    #[test]
    fn relative_path_is_refused() {
        assert!(RequestUrl::parse("v2/users").is_err());
    }
}
