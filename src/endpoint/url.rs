//! Request URLs as the proxy sees them (§5.1): the raw path and the raw query, no decoding.

use crate::diag::quoted;

/// A request URL split the way Java's `java.net.URL` splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestUrl {
    /// The raw path, starting with `/` (`/` when the URL has none), unless it was the function's
    /// own path (see [`RequestUrl::without_function_segment`]).
    pub path: String,
    /// The raw query after `?`, without the `?`; `None` when there is no `?`.
    pub query: Option<String>,
    /// What `pathRegex` is matched against (see [`RequestUrl::file`]).
    file: String,
}

impl RequestUrl {
    /// Parses an absolute URL (`https://host/path?query#fragment`) or a bare path
    /// (`/path?query`). Like `java.net.URL` it is lenient in the path and query: raw spaces,
    /// braces and angle brackets are kept as they are. An absolute URL must be one the proxy
    /// can receive: `http` or `https`, an IPv6 host closed with `]`, a port up to 65535.
    pub fn parse(url: &str) -> Result<RequestUrl, String> {
        let without_fragment = url.split_once('#').map_or(url, |(u, _)| u);
        // A bare path first: its query may hold a URL (`/login?next=https://…`).
        let rest = if without_fragment.starts_with('/') {
            without_fragment
        } else if let Some(scheme_end) = without_fragment.find("://") {
            let scheme = &without_fragment[..scheme_end];
            if scheme.is_empty()
                || !scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            {
                return Err(format!("`{}` is not a URL scheme", quoted(scheme)));
            }
            if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
                return Err(format!(
                    "the scheme `{}` is not `http` or `https`, the schemes of the proxy",
                    quoted(scheme)
                ));
            }
            let after = &without_fragment[scheme_end + 3..];
            let (authority, rest) = match after.find(['/', '?']) {
                Some(i) => after.split_at(i),
                None => (after, ""),
            };
            check_authority(authority)?;
            rest
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
        Ok(RequestUrl::new(path.to_owned(), query))
    }

    /// The URL of a raw path and query.
    pub fn new(path: String, query: Option<String>) -> RequestUrl {
        let file = match &query {
            Some(q) => format!("{path}?{q}"),
            None => path.clone(),
        };
        RequestUrl { path, query, file }
    }

    /// Java `URL.getFile()`: path, plus `?` and the query when there is one. `pathRegex` is
    /// matched against this (§5.3).
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The URL as the proxy deployed as the function `name` matches it (§5.1 step 3): a
    /// leading `/name` segment is removed from the path that templates read, and from the path
    /// and query that `pathRegex` reads, where that text is `/name` exactly or starts with
    /// `/name/`. So `/name/v1/x?a` is `/v1/x` and `/v1/x?a`, and `/name?a` is `` for templates
    /// but stays `/name?a` for `pathRegex`.
    #[must_use]
    pub fn without_function_segment(&self, name: &str) -> RequestUrl {
        let strip = |text: &str| match text.strip_prefix('/').and_then(|t| t.strip_prefix(name)) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.to_owned(),
            _ => text.to_owned(),
        };
        RequestUrl {
            path: strip(&self.path),
            query: self.query.clone(),
            file: strip(&self.file),
        }
    }
}

/// The message for `url`, which is no request URL for `reason`: the URL quoted without the
/// credentials before its host (`user:password@`, in any spelling), the values of its query,
/// its fragment, and each path segment that holds an email address or a phone number; and
/// the reason without the part of the credentials it may quote (a port read from a password
/// with a `?` in it). A URL may come from a case file, and the message end in a CI log.
pub fn invalid_url_message(url: &str, reason: &str) -> String {
    use crate::harness::leaks::{WITHHELD, withhold_personal_url};
    let credentials = credentials(url);
    let mut text = match &credentials {
        Some(range) => format!("{}{WITHHELD}{}", &url[..range.start], &url[range.end..]),
        None => url.to_owned(),
    };
    let fragment = text.find('#').map(|hash| {
        text.truncate(hash);
        format!("#{WITHHELD}")
    });
    if let Some(question) = text.find('?') {
        let query: Vec<String> = text[question + 1..]
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) if !value.is_empty() => format!("{name}={WITHHELD}"),
                _ => pair.to_owned(),
            })
            .collect();
        text = format!("{}?{}", &text[..question], query.join("&"));
    }
    text.extend(fragment);
    let mut shown_reason = reason.to_owned();
    if let Some(range) = credentials {
        let secret = &url[range];
        // Each quoted part of the reason that is a piece of the credentials.
        shown_reason = reason
            .split('`')
            .enumerate()
            .map(|(i, part)| {
                let quotes_secret =
                    i % 2 == 1 && !part.is_empty() && (secret.contains(part) || part.contains('@'));
                if quotes_secret { WITHHELD } else { part }
            })
            .collect::<Vec<_>>()
            .join("`");
    }
    format!(
        "`{}` is not a request URL: {shown_reason}",
        quoted(&withhold_personal_url(&text))
    )
}

/// The bytes of `url` before the `@` that ends credentials in front of its host: after
/// `scheme:` and slashes (`https://user:pw@host/`), or from the start when no slash follows a
/// scheme (`user:pw@host/`, `https:user:pw@host`), up to the last `@` before the next `/`.
pub(crate) fn credentials(url: &str) -> Option<std::ops::Range<usize>> {
    let mut start = 0;
    if let Some(colon) = url.find(':') {
        let scheme = &url[..colon];
        let is_scheme = !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if is_scheme && url[colon + 1..].starts_with('/') {
            start = colon + 1;
        }
    }
    start += url[start..].len() - url[start..].trim_start_matches('/').len();
    let end = url[start..].find('/').map_or(url.len(), |e| start + e);
    let at = url[start..end].rfind('@')?;
    (at > 0).then_some(start..start + at)
}

/// `s` with each `%XX` escape decoded, when the result is UTF-8; `s` itself otherwise.
/// Matching reads URLs raw (§5.2); this says what a raw URL spells: a value in it, or the
/// path its author meant.
pub fn percent_decode(s: &str) -> std::borrow::Cow<'_, str> {
    let out = percent_decoded_bytes(s);
    match String::from_utf8(out) {
        Ok(decoded) => std::borrow::Cow::Owned(decoded),
        Err(_) => std::borrow::Cow::Borrowed(s),
    }
}

/// `s` with each `%XX` escape decoded, and the bytes that are not UTF-8 then read as U+FFFD:
/// the text a value spells even when one escape of it is not UTF-8 (`alice%40x.com%FF`).
pub fn percent_decode_lossy(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('%') {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(String::from_utf8_lossy(&percent_decoded_bytes(s)).into_owned())
}

fn percent_decoded_bytes(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// Checks the host and port of `[userinfo@]host[:port]`: an IPv6 host closed with `]`, and a
/// port of digits up to 65535 (or empty, the scheme's default).
fn check_authority(authority: &str) -> Result<(), String> {
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let port = if let Some(ipv6) = host_port.strip_prefix('[') {
        let Some((_, after)) = ipv6.split_once(']') else {
            return Err(format!(
                "the IPv6 host `{}` is not closed with `]`",
                quoted(host_port)
            ));
        };
        match after.strip_prefix(':') {
            Some(port) => Some(port),
            None if after.is_empty() => None,
            None => {
                return Err(format!(
                    "`{}` follows the IPv6 host, where only `:` and a port may",
                    quoted(after)
                ));
            }
        }
    } else {
        host_port.split_once(':').map(|(_, port)| port)
    };
    match port {
        Some(port) if !port.bytes().all(|b| b.is_ascii_digit()) => {
            Err(format!("the port `{}` is not a number", quoted(port)))
        }
        Some(port) if !port.is_empty() && port.parse::<u16>().is_err() => {
            Err(format!("the port {} is above 65535", quoted(port)))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_url_withholds_credentials_query_values_and_personal_parts() {
        let shown = |url: &str| {
            let reason = match RequestUrl::parse(url) {
                Err(reason) => reason,
                Ok(_) => "fine".to_owned(),
            };
            invalid_url_message(url, &reason)
        };
        assert_eq!(
            shown("https://svc:hunter2@api.zoom.us:70000/v2/users/bob@corp.example?phone=%2B1415"),
            "`https://‹withheld›@api.zoom.us:70000/v2/users/‹withheld›?phone=‹withheld›` is not a \
             request URL: the port 70000 is above 65535"
        );
        // An `@` after the host is no credential; every query value and the fragment go.
        assert_eq!(
            shown("ftp://h/a@b?api_key=K1&x&page=#frag"),
            "`ftp://h/a@b?api_key=‹withheld›&x&page=#‹withheld›` is not a request URL: the \
             scheme `ftp` is not `http` or `https`, the schemes of the proxy"
        );
        for url in [
            "https:bob:hunter2@h/x",
            "bob:hunter2@h/x",
            "https:/bob:hunter2@h:9x/",
        ] {
            let message = shown(url);
            assert!(
                !message.contains("hunter2") && !message.contains("bob"),
                "{message}"
            );
        }
        // A password with a `?`: the port the reason reads from it is withheld too.
        let message = shown("https://bob:hun?ter2@h:99999/");
        assert_eq!(
            message,
            "`https://‹withheld›@h:99999/` is not a request URL: the port `‹withheld›` is not a \
             number"
        );
    }

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
    fn a_url_in_the_query_of_a_bare_path_is_part_of_the_query() {
        let u = RequestUrl::parse("/login?next=https://h/x").expect("parses");
        assert_eq!(u.path, "/login");
        assert_eq!(u.query.as_deref(), Some("next=https://h/x"));
    }

    #[test]
    fn hosts_and_ports_the_proxy_can_receive_are_accepted() {
        for url in [
            "HTTP://h/v2/users",
            "https://h:443/v2/users",
            "https://h:/v2/users",
            "https://h:0065535/v2/users",
            "https://[::1]/v2/users",
            "https://[::1]:8443/v2/users?x=[1]",
            "https://u:p@h:80/v2/users",
            "https://h?x=%zz&y=%",
            "https://h/a%2/%%",
        ] {
            assert!(RequestUrl::parse(url).is_ok(), "{url}");
        }
        let u = RequestUrl::parse("https://[::1]:8443/v2/users?x=[1]").expect("parses");
        assert_eq!(u.path, "/v2/users");
        assert_eq!(u.query.as_deref(), Some("x=[1]"));
    }

    #[test]
    fn schemes_hosts_and_ports_the_proxy_cannot_receive_are_refused() {
        for (url, reason) in [
            (
                "ftp://h/v2/users",
                "the scheme `ftp` is not `http` or `https`, the schemes of the proxy",
            ),
            (
                "https://[::1/v2/users",
                "the IPv6 host `[::1` is not closed with `]`",
            ),
            (
                "https://[::1]x/v2/users",
                "`x` follows the IPv6 host, where only `:` and a port may",
            ),
            ("https://h:65536/v2/users", "the port 65536 is above 65535"),
            (
                "https://[::1]:99999999999999999999/",
                "the port 99999999999999999999 is above 65535",
            ),
            ("https://h:8o/v2/users", "the port `8o` is not a number"),
            ("https://h:-1?x", "the port `-1` is not a number"),
        ] {
            assert_eq!(RequestUrl::parse(url), Err(reason.to_owned()), "{url}");
        }
    }

    #[test]
    fn a_leading_function_segment_is_removed_where_the_text_matched_starts_with_it() {
        let stripped = |url: &str| {
            let u = RequestUrl::parse(url)
                .expect("parses")
                .without_function_segment("psoxy-test");
            (u.path.clone(), u.file().to_owned())
        };
        let pair = |path: &str, file: &str| (path.to_owned(), file.to_owned());
        assert_eq!(
            stripped("https://api.zoom.us/psoxy-test/v2/users?page_size=30"),
            pair("/v2/users", "/v2/users?page_size=30")
        );
        assert_eq!(stripped("/psoxy-test"), pair("", ""));
        assert_eq!(stripped("/psoxy-test/"), pair("/", "/"));
        // For `pathRegex` the path and query are one text, which `/psoxy-test?` does not start.
        assert_eq!(stripped("/psoxy-test?x=1"), pair("", "/psoxy-test?x=1"));
        // Only a whole first segment, as written.
        for url in [
            "/psoxy-tests/v2/users",
            "/v2/psoxy-test/users",
            "/Psoxy-Test/v2/users",
        ] {
            assert_eq!(stripped(url), pair(url, url), "{url}");
        }
    }

    #[test]
    fn relative_path_is_refused() {
        assert!(RequestUrl::parse("v2/users").is_err());
    }
}
