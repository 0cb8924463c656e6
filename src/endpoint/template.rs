//! `pathTemplate` to regex, exactly as the proxy converts it (§5.2).

/// The Java-syntax regex of a path template: `{name}` → `(?<name>[^/]+)`, `{name?}` →
/// `(?<name>[^/]*)` for names matching `[A-Za-z][A-Za-z0-9]*`; the characters
/// `. ^ $ < > * + [ ] ( ) - = ? !` escaped; everything else (including `{ } | \ ,` and braces
/// around other names) left as it is, as the proxy leaves it; wrapped in `^…$`.
pub fn template_regex(template: &str) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    out.push('^');
    let mut rest = template;
    while !rest.is_empty() {
        if let Some((name, optional, len)) = parameter_at(rest) {
            out.push_str("(?<");
            out.push_str(name);
            out.push_str(if optional { ">[^/]*)" } else { ">[^/]+)" });
            rest = &rest[len..];
            continue;
        }
        let c = rest.chars().next().unwrap_or_default();
        if matches!(
            c,
            '.' | '^' | '$' | '<' | '>' | '*' | '+' | '[' | ']' | '(' | ')' | '-' | '=' | '?' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.push('$');
    out
}

/// The names of a template's parameters, in order.
pub fn template_parameters(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        if let Some((name, _, len)) = parameter_at(rest) {
            names.push(name);
            rest = &rest[len..];
        } else {
            let c = rest.chars().next().unwrap_or_default();
            rest = &rest[c.len_utf8()..];
        }
    }
    names
}

/// `{name}` or `{name?}` at the start of `s`: (name, optional, byte length).
pub(crate) fn parameter_at(s: &str) -> Option<(&str, bool, usize)> {
    let body = s.strip_prefix('{')?;
    let close = body.find('}')?;
    let inner = &body[..close];
    let (name, optional) = match inner.strip_suffix('?') {
        Some(n) => (n, true),
        None => (inner, false),
    };
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric());
    valid.then_some((name, optional, close + 2))
}

/// Whether `inner`, the text between the braces of a `{…}` that is not a parameter, is a
/// repetition count (`2`, `2,` or `1,3`): the template's regex keeps the braces (§5.2) and reads
/// them as a repetition of what comes before, so `/x{2}` matches `/xx`.
pub(crate) fn is_repetition(inner: &str) -> bool {
    let (min, max) = inner.split_once(',').unwrap_or((inner, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !min.is_empty() && digits(min) && digits(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_become_named_segment_groups() {
        assert_eq!(
            template_regex("/v2/users/{userId}/meetings"),
            "^/v2/users/(?<userId>[^/]+)/meetings$"
        );
    }

    #[test]
    fn dots_and_dashes_are_escaped() {
        assert_eq!(
            template_regex("/api/1.0/tasks/{taskId}"),
            "^/api/1\\.0/tasks/(?<taskId>[^/]+)$"
        );
        assert_eq!(
            template_regex("/admin/v1/orgs/{orgId}/events-stream"),
            "^/admin/v1/orgs/(?<orgId>[^/]+)/events\\-stream$"
        );
    }

    #[test]
    fn parentheses_equals_and_commas_as_the_proxy_escapes_them() {
        assert_eq!(
            template_regex("/x/getCalls(fromDateTime={startDate},toDateTime={endDate})"),
            "^/x/getCalls\\(fromDateTime\\=(?<startDate>[^/]+),toDateTime\\=(?<endDate>[^/]+)\\)$"
        );
    }

    #[test]
    fn optional_parameter_may_be_empty() {
        assert_eq!(template_regex("/a/{b?}"), "^/a/(?<b>[^/]*)$");
    }

    #[test]
    fn names_outside_the_grammar_stay_literal() {
        assert_eq!(template_regex("/orgs/{org_id}"), "^/orgs/{org_id}$");
        assert_eq!(template_parameters("/orgs/{org_id}/{x1}"), ["x1"]);
    }

    #[test]
    fn repetition_counts_are_told_from_other_braces() {
        for count in ["2", "2,", "1,3", "10,12"] {
            assert!(is_repetition(count), "{count}");
        }
        for other in ["", ",2", "2,a", "1,2,3", "x", "org_id", " 2"] {
            assert!(!is_repetition(other), "{other}");
        }
    }
}
