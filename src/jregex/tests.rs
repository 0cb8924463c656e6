//! Behaviour of the Java regex translation. Expected results were confirmed against
//! `java.util.regex` on JDK 25.

use super::*;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern, Flags::default()).unwrap_or_else(|e| panic!("{pattern}: {e}"))
}

fn re_ci(pattern: &str) -> Regex {
    let flags = Flags {
        case_insensitive: true,
        ..Flags::default()
    };
    Regex::new(pattern, flags).unwrap_or_else(|e| panic!("{pattern}: {e}"))
}

fn full(r: &Regex, text: &str) -> bool {
    r.is_full_match(text).expect("match")
}

fn spans(r: &Regex, text: &str) -> Vec<(usize, usize)> {
    r.find_iter(text)
        .map(|m| {
            let m = m.expect("match");
            (m.start(), m.end())
        })
        .collect()
}

fn group<'t>(m: &Match, i: usize, text: &'t str) -> Option<&'t str> {
    m.group(i).map(|(a, b)| &text[a..b])
}

fn err(pattern: &str) -> RegexError {
    match Regex::new(pattern, Flags::default()) {
        Ok(_) => panic!("{pattern} should not compile"),
        Err(e) => e,
    }
}

// --- patterns from real rules (§5.3, §2.4-2.8, §6.3) ----------------------------------------

const ZOOM_MEETING: &str = r"^/v2/meetings/[^/?]+(?:/(?!meeting_summary)[^/?]+)?(?:[?].*)?$";

#[test]
fn zoom_path_regex_accepts_a_meeting_id() {
    assert!(full(&re_ci(ZOOM_MEETING), "/v2/meetings/123"));
}

#[test]
fn zoom_path_regex_rejects_the_meeting_summary_by_negative_lookahead() {
    assert!(!full(
        &re_ci(ZOOM_MEETING),
        "/v2/meetings/123/meeting_summary"
    ));
}

#[test]
fn zoom_path_regex_accepts_an_encoded_id_with_a_query() {
    assert!(full(&re_ci(ZOOM_MEETING), "/v2/meetings/abc%2Fdef==?x=1"));
}

#[test]
fn a_pattern_ends_anchored_when_every_alternative_ends_with_an_end_anchor() {
    let anchored = |p: &str| re(p).ends_anchored(Flags::default());
    for p in [
        "^/a$",
        "/a\\z",
        "/a\\Z",
        "^/(?:a|b)$",
        "^/(a$|b\\z)",
        "/a(?:[?].*)?$",
    ] {
        assert!(anchored(p), "{p}");
    }
    for p in ["^/a", "^/a$|^/b", "^/(a|b$)", "^/a(?=$)", "^/a$.*", "/a$?"] {
        assert!(!anchored(p), "{p}");
    }
}

#[test]
fn a_literal_is_a_step_that_is_that_character_alone() {
    let has = |p: &str| re_ci(p).has_literal('?', Flags::default());
    assert!(has("/a[?].*"));
    assert!(has("/a(?:\\?q=.*)?"));
    assert!(!has("/a[^?]*"));
    assert!(!has("/a.*"));
    assert!(!has("/a[?x]"));
}

#[test]
fn path_regex_is_ascii_case_insensitive() {
    assert!(full(&re_ci(ZOOM_MEETING), "/V2/MEETINGS/123"));
}

#[test]
fn named_group_captures_a_path_segment() {
    let r = re_ci(r"^/v1.0/users/(?<userId>[^/]+)/chats$");
    let text = "/v1.0/users/abc/chats";
    let m = r.full_match(text).expect("match").expect("some");
    assert_eq!(r.group_index("userId"), Some(1));
    assert_eq!(group(&m, 1, text), Some("abc"));
}

#[test]
fn empty_flag_group_is_a_no_op() {
    let r = re(r"(?)^/calendars/[^/]+$");
    assert!(full(&r, "/calendars/x"));
}

#[test]
fn a_to_lowercase_z_range_includes_underscore_caret_and_backtick() {
    let r = re(r"[a-zA-z]+");
    assert!(full(&r, "_^`[]\\"));
    assert!(!full(&r, "{"));
}

#[test]
fn smtp_pattern_captures_the_address_case_insensitively() {
    let text = "SMTP:Alice@Acme.com";
    let m = re(r"(?i)^smtp:(.*)$")
        .find_at(text, 0)
        .expect("match")
        .expect("some");
    assert_eq!(group(&m, 1, text), Some("Alice@Acme.com"));
}

#[test]
fn smtp_pattern_does_not_match_x500() {
    assert!(
        !re(r"(?i)^smtp:(.*)$")
            .is_match("X500:/o=foo")
            .expect("match")
    );
}

#[test]
fn pwd_redaction_removes_the_parameter_value() {
    let out = re(r"(?i)pwd=[^&]*")
        .replace_all("https://zoom.us/j/123?pwd=abc&x=1", "")
        .expect("match");
    assert_eq!(out, "https://zoom.us/j/123?&x=1");
}

fn phrase(p: &str) -> Regex {
    re_ci(&format!(r"\b({})[\s:]*\b", quote(p)))
}

#[test]
fn quoted_phrase_pattern_keeps_the_input_case() {
    let text = "My focus time: and 1:1 with OOO";
    let m = phrase("Focus Time")
        .find_at(text, 0)
        .expect("match")
        .expect("some");
    assert_eq!(group(&m, 1, text), Some("focus time"));
}

#[test]
fn quoted_phrase_with_colon_matches() {
    let text = "My focus time: and 1:1 with OOO";
    let m = phrase("1:1")
        .find_at(text, 0)
        .expect("match")
        .expect("some");
    assert_eq!(group(&m, 1, text), Some("1:1"));
}

#[test]
fn quoted_phrase_needs_a_word_boundary_after_it() {
    assert!(!phrase("Focus Time").is_match("focus timer").expect("match"));
}

#[test]
fn wrapped_exception_pattern_matches_the_whole_string() {
    let text = "abc SSN 123";
    let m = re(r".*?(SSN).*?")
        .full_match(text)
        .expect("match")
        .expect("some");
    assert_eq!(group(&m, 1, text), Some("SSN"));
}

#[test]
fn wrapped_exception_pattern_never_matches_multiline_input() {
    assert!(!full(&re(r".*?(SSN).*?"), "line\nSSN"));
}

#[test]
fn zoom_link_filter_matches_a_whole_token() {
    let r = re(r"https://[^.]+\.zoom\.us/.*");
    assert!(full(&r, "https://acme.zoom.us/j/1"));
    assert!(!full(&r, "https://x.com/"));
}

#[test]
fn graph_users_regex_captures_the_user_id() {
    let text = "https://graph.microsoft.com/v1.0/users/ab_c-1/x";
    let r = re(r"^https://graph.microsoft.com/v1.0/users/([a-zA-Z0-9_-]+)/.*$");
    let m = r.full_match(text).expect("match").expect("some");
    assert_eq!(group(&m, 1, text), Some("ab_c-1"));
}

const SALESFORCE_ACCOUNTS: &str =
    r"^/services/data/v(\d+\.\d+)/query[?]q=SELECT.*FROM(%20|\+)*Account(%20|\+|\b).*";

#[test]
fn salesforce_query_regex_matches_account_queries() {
    let text = "/services/data/v57.0/query?q=SELECT%20Id%20FROM%20Account";
    let m = re_ci(SALESFORCE_ACCOUNTS)
        .full_match(text)
        .expect("match")
        .expect("some");
    assert_eq!(group(&m, 1, text), Some("57.0"));
}

#[test]
fn salesforce_query_regex_needs_a_word_boundary_after_the_object() {
    let text = "/services/data/v57.0/query?q=SELECT+Id+FROM+Accounts";
    assert!(!full(&re_ci(SALESFORCE_ACCOUNTS), text));
}

#[test]
fn header_name_filter_matches_ignoring_case() {
    let r = re_ci(r"^(From|To|Cc|Bcc)$");
    assert!(full(&r, "bcc"));
    assert!(!full(&r, "xFrom"));
}

#[test]
fn alternation_binds_looser_than_anchors_in_full_match() {
    let r = re_ci(r"^actor|room_id$");
    assert!(full(&r, "ROOM_ID"));
    assert!(!full(&r, "xroom_id"));
}

// --- ASCII classes and case folding -----------------------------------------------------------

#[test]
fn word_class_is_ascii() {
    assert!(!full(&re(r"\w"), "é"));
}

#[test]
fn word_boundary_is_ascii() {
    assert_eq!(spans(&re(r"\b"), "éa"), vec![(2, 2), (3, 3)]);
}

#[test]
fn combining_mark_after_a_letter_counts_as_a_word_character() {
    // U+0301 follows `e`: Java treats the mark as part of the word, so no boundary before `x`.
    assert_eq!(spans(&re(r"\b"), "e\u{301}x"), vec![(0, 0), (4, 4)]);
}

#[test]
fn unicode_character_class_flag_makes_word_class_unicode() {
    assert!(full(&re(r"(?U)\w"), "é"));
}

#[test]
fn digit_class_is_ascii() {
    assert!(!full(&re(r"\d"), "\u{663}"));
}

#[test]
fn whitespace_class_excludes_no_break_space() {
    assert!(!full(&re(r"\s"), "\u{a0}"));
}

#[test]
fn case_insensitive_folds_ascii_only() {
    assert!(!full(&re(r"(?i)é"), "É"));
}

#[test]
fn unicode_case_folds_beyond_ascii() {
    assert!(full(&re(r"(?iu)é"), "É"));
}

#[test]
fn case_insensitive_range_folds_ascii_letters() {
    assert!(full(&re(r"(?i)[a-c]"), "B"));
}

#[test]
fn posix_lower_is_ascii() {
    assert!(!full(&re(r"\p{Lower}"), "é"));
    assert!(full(&re(r"\p{Lower}"), "q"));
}

#[test]
fn unicode_letter_property_matches_non_ascii() {
    assert!(full(&re(r"\p{L}\P{L}"), "é1"));
}

// --- line terminators and anchors -------------------------------------------------------------

#[test]
fn dot_does_not_match_carriage_return() {
    assert!(!full(&re("a."), "a\r"));
}

#[test]
fn dot_does_not_match_line_separator() {
    assert!(!full(&re("a."), "a\u{2028}"));
}

#[test]
fn dotall_dot_matches_carriage_return() {
    assert!(full(&re("(?s)a."), "a\r"));
}

#[test]
fn unix_lines_dot_matches_carriage_return() {
    assert!(full(&re("(?d)a."), "a\r"));
}

#[test]
fn dollar_matches_before_a_final_newline_when_finding() {
    assert_eq!(spans(&re("a$"), "a\n"), vec![(0, 1)]);
}

#[test]
fn dollar_does_not_match_before_an_inner_newline() {
    assert!(spans(&re("a$"), "a\nb").is_empty());
}

#[test]
fn dollar_treats_crlf_as_one_terminator() {
    assert_eq!(spans(&re("$"), "a\r\n"), vec![(1, 1), (3, 3)]);
}

#[test]
fn dollar_does_not_let_a_full_match_skip_the_final_newline() {
    assert!(!full(&re("a$"), "a\n"));
}

#[test]
fn multiline_caret_does_not_match_at_the_end_of_input() {
    assert_eq!(spans(&re("(?m)^"), "a\n"), vec![(0, 0)]);
}

#[test]
fn begin_anchor_does_not_match_at_a_later_start() {
    assert!(re("^a").find_at("aa", 1).expect("match").is_none());
}

#[test]
fn lookbehind_sees_text_before_the_start() {
    let m = re("(?<=a)b")
        .find_at("ab", 1)
        .expect("match")
        .expect("some");
    assert_eq!((m.start(), m.end()), (1, 2));
}

#[test]
fn variable_length_lookbehind_of_a_single_character_compiles() {
    assert_eq!(spans(&re("(?<=a+)b"), "xaab"), vec![(3, 4)]);
}

#[test]
fn lookbehind_with_an_open_count_on_a_character_after_another_compiles() {
    // Java studies `9{2,}` like `9+`, whose maximum wraps but stays valid.
    assert_eq!(spans(&re("(?<=K9{2,})b"), "K99b"), vec![(3, 4)]);
}

#[test]
fn lookbehind_studies_what_follows_an_alternation_from_a_fresh_start() {
    // As Java's `Branch`: `c*d{2}` after `(a|b)` overflows on its own, so there is no
    // obvious maximum, while after an atomic group the alternation ends inside it.
    let e = err("(?<=(a|b)c*d{2})x");
    assert!(e.message.contains("maximum length"), "{}", e.message);
    assert_eq!(spans(&re("(?<=(?>a|b)c*d{2})x"), "x"), vec![]);
}

#[test]
fn lookbehind_with_a_counted_atomic_alternation_compiles() {
    assert_eq!(spans(&re("(?<=(?>ab|c){2})x"), "abcx"), vec![(3, 4)]);
    assert!(Regex::new("(?<=(?:ab|c){2})x", Flags::default()).is_err());
}

#[test]
fn lookbehind_whose_java_maximum_overflows_short_is_refused() {
    // Java computes a maximum of 1 for `x|ba+` and -2 for `a+b+`, and never sees `ba` or `ab`.
    for p in ["(?<=x|ba+)c", "(?<=a+b+)c"] {
        let e = err(p);
        assert!(e.message.contains("overflows"), "{p}: {}", e.message);
    }
    // Maxima that stay large, or wrap no deeper than the minimum, look back to the start.
    assert_eq!(spans(&re("(?<=ba+)c"), "bac"), vec![(2, 3)]);
    assert_eq!(spans(&re("(?<=a+)c"), "aac"), vec![(2, 3)]);
}

#[test]
fn lookbehind_over_a_counted_group_holding_a_possessive_option_is_refused() {
    // Java's `?+` is no independent `Ques`: the group is not deterministic, so its count makes
    // a `Loop`, which has no obvious maximum.
    for p in ["(?<=(a?+){2})b", "(?<=(?:a?+){2})b", "(?<=(a{0,1}+){2})b"] {
        let e = err(p);
        assert!(
            e.message.contains("obvious maximum length"),
            "{p}: {}",
            e.message
        );
    }
    assert_eq!(spans(&re("(?<=a?+)b"), "ab"), vec![(1, 2)]);
    assert_eq!(spans(&re("(?<=(?>a?){2})b"), "aab"), vec![(2, 3)]);
}

#[test]
fn script_names_with_stray_underscores_are_unknown_as_in_java() {
    assert_eq!(spans(&re(r"\p{IsLatin}+"), "ab"), vec![(0, 2)]);
    assert_eq!(spans(&re(r"\p{sc=Old_Italic}"), "\u{10300}"), vec![(0, 4)]);
    for p in [r"\p{Is_Latin}", r"\p{IsLatin_}", r"\p{sc=Old__Italic}"] {
        assert!(Regex::new(p, Flags::default()).is_err(), "{p}");
    }
}

#[test]
fn possessive_group_repetition_does_not_backtrack_into_an_iteration() {
    assert!(!full(&re("(x+){2}+"), "xx"));
    assert!(re("(x+){2}+").find_at("xx", 0).expect("match").is_none());
    assert!(!full(&re("(x+){2}+"), "xxx"));
    assert_eq!(spans(&re("(?:ab|a)*+b"), "aab"), vec![(2, 3)]);
}

#[test]
fn lookbehind_studies_an_optional_group_as_a_branch() {
    // Java turns `(C)?` into a branch, so `_++` after it is studied from a fresh start.
    assert_eq!(spans(&re("(?<=(C)?_++)x"), "C__x"), vec![(3, 4)]);
    let e = err("(?<=(?:ab)?c*d{2})x");
    assert!(
        e.message.contains("obvious maximum length"),
        "{}",
        e.message
    );
}

#[test]
fn empty_group_repeated_zero_times_keeps_the_numbers_of_later_groups() {
    let m = re("(){0}(a)")
        .full_match("a")
        .expect("match")
        .expect("some");
    assert_eq!(m.groups, vec![Some((0, 1)), None, Some((0, 1))]);
    assert!(full(&re(r"(?<x>){0}(?<y>a)\k<y>"), "aa"));
}

#[test]
fn line_break_escape_matches_crlf_as_one() {
    assert!(full(&re(r"a\Rb"), "a\r\nb"));
}

#[test]
fn line_break_escape_backtracks_to_a_lone_carriage_return() {
    assert!(full(&re(r"a\R\n"), "a\r\n"));
}

#[test]
fn repeated_line_break_escape_does_not_split_crlf() {
    assert!(!full(&re(r"\R{2}"), "\r\n"));
}

// --- quantifiers, groups, back references -----------------------------------------------------

#[test]
fn possessive_quantifier_does_not_give_back() {
    assert!(!full(&re("a*+a"), "aaa"));
}

#[test]
fn atomic_group_does_not_give_back() {
    assert!(!full(&re("(?>a*)a"), "aaa"));
}

#[test]
fn possessive_star_over_a_group_with_a_lazy_body_takes_every_iteration() {
    assert!(full(&re("(?:(x+?))*+"), "xxx"));
}

#[test]
fn atomic_group_ending_in_a_starred_lazy_group_takes_every_iteration() {
    assert!(full(&re("(?>a(x+?)*)y"), "axxxy"));
}

#[test]
fn greedy_repeat_of_a_lazy_repeat_takes_every_iteration() {
    assert_eq!(
        spans(&re("(?:(?:x+?)+)?"), "xxy"),
        vec![(0, 2), (2, 2), (3, 3)]
    );
}

#[test]
fn lazy_quantifier_prefers_fewer() {
    assert_eq!(spans(&re("a+?"), "aa"), vec![(0, 1), (1, 2)]);
}

#[test]
fn alternation_keeps_priority_order() {
    assert_eq!(spans(&re("a|ab"), "ab"), vec![(0, 1)]);
}

#[test]
fn named_backreference_matches_the_same_text() {
    let r = re(r"(?<x>a|b)\k<x>");
    assert!(full(&r, "bb"));
    assert!(!full(&r, "ab"));
}

#[test]
fn case_insensitive_backreference_ignores_case() {
    assert!(full(&re(r"(?i)(a)\1"), "aA"));
}

#[test]
fn backreference_to_a_missing_group_compiles_and_never_matches() {
    assert!(!full(&re(r"(a)\2"), "aa"));
}

#[test]
fn two_digit_backreference_falls_back_to_one_digit() {
    assert!(full(&re(r"(a)\11"), "aa1"));
}

#[test]
fn quantified_assertion_is_accepted() {
    assert!(full(&re(r"(?=x)*x*"), "xx"));
}

#[test]
fn brace_count_after_a_count_repeats_the_empty_string() {
    assert!(full(&re("x{2}{3}"), "xx"));
}

// --- classes, quoting, comments ---------------------------------------------------------------

#[test]
fn class_intersection_with_negated_class_subtracts() {
    let r = re(r"[a-z&&[^aeiou]]");
    assert!(full(&r, "b"));
    assert!(!full(&r, "e"));
}

#[test]
fn class_intersection_with_bare_operand() {
    let r = re(r"[a-z&&def]");
    assert!(full(&r, "e"));
    assert!(!full(&r, "a"));
}

#[test]
fn nested_class_is_a_union() {
    assert!(full(&re(r"[a[bc]]+"), "abc"));
}

#[test]
fn closing_bracket_first_in_a_class_is_literal() {
    assert!(full(&re(r"[]a]+"), "]a"));
}

#[test]
fn dash_before_a_nested_class_is_literal() {
    assert!(full(&re(r"[a-[bc]]+"), "-ab"));
}

#[test]
fn quoted_text_is_literal() {
    let r = re(r"\Qa.b\E");
    assert!(full(&r, "a.b"));
    assert!(!full(&r, "axb"));
}

#[test]
fn backslash_before_punctuation_is_literal() {
    assert!(full(&re(r"\<\>\=\!\-"), "<>=!-"));
}

#[test]
fn comments_mode_ignores_whitespace_and_comments() {
    assert!(full(&re("(?x) a b # comment\n c"), "abc"));
}

#[test]
fn control_hex_octal_and_unicode_escapes() {
    assert!(full(&re(r"\cI\x41\u0042\0103\x{1F600}"), "\tABC\u{1F600}"));
}

#[test]
fn quote_matches_metacharacters_literally() {
    assert!(full(&re(&quote("a+b(c)")), "a+b(c)"));
}

#[test]
fn quote_handles_an_embedded_end_quote() {
    assert!(full(&re(&quote(r"x\Ey")), r"x\Ey"));
}

// --- find iteration, replace, split -----------------------------------------------------------

#[test]
fn find_iteration_allows_an_empty_match_right_after_a_match() {
    assert_eq!(spans(&re("a*"), "baaa"), vec![(0, 0), (1, 4), (4, 4)]);
}

#[test]
fn find_iteration_steps_over_whole_characters_after_an_empty_match() {
    assert_eq!(spans(&re(""), "é"), vec![(0, 0), (2, 2)]);
}

#[test]
fn replace_all_replaces_empty_matches_as_java_does() {
    assert_eq!(re("a*").replace_all("baaa", "X").expect("match"), "XbXX");
}

#[test]
fn split_on_whitespace_runs() {
    assert_eq!(re(r"\s+").split("a b  c").expect("match"), ["a", "b", "c"]);
}

#[test]
fn split_keeps_a_leading_empty_string_for_a_leading_delimiter() {
    assert_eq!(re(r"\s+").split(" a").expect("match"), ["", "a"]);
}

#[test]
fn split_on_zero_width_match_has_no_leading_empty_string() {
    assert_eq!(re("").split("abc").expect("match"), ["a", "b", "c"]);
}

#[test]
fn split_drops_trailing_empty_strings() {
    assert_eq!(re(",").split("a,b,,").expect("match"), ["a", "b"]);
}

#[test]
fn split_without_a_match_returns_the_input() {
    assert_eq!(re(",").split("abc").expect("match"), ["abc"]);
}

#[test]
fn split_of_empty_input_is_one_empty_string() {
    assert_eq!(re(r"\s+").split("").expect("match"), [""]);
}

#[test]
fn split_of_only_delimiters_is_empty() {
    assert!(re(",").split(",,").expect("match").is_empty());
}

#[test]
fn split_with_a_limit_keeps_the_rest_in_the_last_piece() {
    assert_eq!(
        re(",").split_limit("a,b,c", 2).expect("match"),
        ["a", "b,c"]
    );
}

#[test]
fn split_with_a_negative_limit_keeps_trailing_empty_strings() {
    assert_eq!(
        re(",").split_limit("a,,", -1).expect("match"),
        ["a", "", ""]
    );
}

// --- errors -----------------------------------------------------------------------------------

#[test]
fn unclosed_group_points_at_its_parenthesis() {
    let e = err("a(b");
    assert_eq!((e.offset, e.message.as_str()), (1, "unclosed group"));
}

#[test]
fn unmatched_closing_parenthesis_is_reported() {
    assert_eq!(err("ab)").offset, 2);
}

#[test]
fn dangling_star_is_nothing_to_repeat() {
    let e = err("a|*");
    assert_eq!(e.offset, 2);
    assert!(e.message.starts_with("nothing to repeat"), "{}", e.message);
}

#[test]
fn doubled_quantifier_is_nothing_to_repeat() {
    assert_eq!(err("a**").offset, 2);
}

#[test]
fn unclosed_class_points_at_its_bracket() {
    let e = err("x[ab");
    assert_eq!(
        (e.offset, e.message.as_str()),
        (1, "unclosed character class")
    );
}

#[test]
fn reversed_range_is_invalid() {
    let e = err("[z-a]");
    assert_eq!((e.offset, e.message.as_str()), (1, "invalid range `z-a`"));
}

#[test]
fn unknown_alphabetic_escape_is_an_error() {
    let e = err(r"a\y");
    assert_eq!((e.offset, e.message.as_str()), (1, r"unknown escape `\y`"));
}

#[test]
fn trailing_backslash_is_an_error() {
    assert_eq!(err("ab\\").offset, 2);
}

#[test]
fn repetition_with_maximum_below_minimum_is_an_error() {
    assert_eq!(err("a{2,1}").offset, 1);
}

#[test]
fn brace_without_a_count_is_an_error() {
    assert_eq!(err("a{x}").offset, 1);
}

#[test]
fn unbounded_group_repetition_in_lookbehind_is_an_error() {
    let e = err("x(?<=(ab)+)");
    assert_eq!(e.offset, 1);
    assert!(e.message.contains("maximum length"), "{}", e.message);
}

#[test]
fn duplicate_group_name_is_an_error() {
    assert_eq!(err("(?<n>a)(?<n>b)").offset, 10);
}

#[test]
fn reference_to_an_unknown_group_name_is_an_error() {
    assert_eq!(err(r"\k<zz>").offset, 3);
}

#[test]
fn unknown_inline_flag_is_an_error() {
    assert_eq!(err("(?z)").offset, 2);
}

#[test]
fn unknown_property_is_an_error() {
    assert_eq!(err(r"a\p{Bogus}").offset, 1);
}

#[test]
fn error_offset_counts_bytes_of_earlier_characters() {
    assert_eq!(err("é(").offset, 2);
}

#[test]
fn error_offset_inside_quoted_text_maps_to_the_original() {
    // `\E` after `\Q..\E` has ended is an unknown escape at byte 5.
    assert_eq!(err(r"\Qa\E\E").offset, 5);
}

#[test]
fn end_of_previous_match_anchor_is_unsupported() {
    assert!(err(r"\Ga").message.contains("not supported"));
}

#[test]
fn grapheme_clusters_and_character_names_are_unsupported() {
    // Java accepts both; the README lists them among the differences.
    assert!(err(r"a\X").message.contains("not supported"));
    assert!(
        err(r"\N{LATIN SMALL LETTER A}")
            .message
            .contains("not supported")
    );
}

#[test]
fn unicode_blocks_are_unsupported() {
    assert!(err(r"\p{InGreek}").message.contains("not supported"));
}

#[test]
fn overlong_pattern_is_rejected() {
    let e = err(&"a".repeat(MAX_PATTERN_LEN + 1));
    assert!(e.message.contains("too long"), "{}", e.message);
}

#[test]
fn deep_nesting_is_rejected_at_the_group() {
    let pattern = format!("{}a{}", "(".repeat(300), ")".repeat(300));
    let e = err(&pattern);
    assert!(e.message.contains("deep"), "{}", e.message);
    assert_eq!(e.offset, parse::MAX_DEPTH);
}

#[test]
fn nested_quantified_groups_within_the_depth_limit_compile() {
    let depth = parse::MAX_DEPTH;
    let pattern = format!("{}a{}", "(".repeat(depth), ")*".repeat(depth));
    assert!(full(&re(&pattern), "aa"));
}

// --- bounded backtracking ---------------------------------------------------------------------

#[test]
fn catastrophic_backtracking_stops_with_a_match_error() {
    // Java's `$` becomes a look-ahead, so fancy-regex runs its backtracking engine here (a
    // pattern without look-arounds or back references would go to the linear-time engine
    // and never backtrack at all). `(a|aa)+` then has exponentially many ways to fail.
    let text = format!("{}c", "a".repeat(30));
    let started = std::time::Instant::now();
    let e = re("(a|aa)+$").find_at(&text, 0).expect_err("limit");
    assert!(e.message.contains("backtracking limit"), "{}", e.message);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn full_match_with_trailing_dollar_stays_linear() {
    // In a whole-input match a final `$` is the end of input, so no look-around is needed.
    let text = format!("{}c", "a".repeat(30));
    assert!(!full(&re("(a|aa)+$"), &text));
}

// --- agreement with the regex crate where Java and Rust semantics coincide --------------------

mod agreement {
    use super::*;
    use proptest::prelude::*;

    fn atom() -> impl Strategy<Value = String> {
        prop_oneof![
            "[abc]".prop_map(String::from),
            Just("[ab]".to_owned()),
            Just("[^b]".to_owned()),
            Just("[a-b]".to_owned()),
            Just(".".to_owned()),
        ]
    }

    fn pattern() -> impl Strategy<Value = String> {
        patterns(&["*", "+", "?", "{1,2}", "*?", "+?"])
    }

    /// Patterns in which nothing can match the empty string. Java and Rust report different
    /// capture spans for groups repeated after an empty iteration (Java stops the loop there),
    /// so capture spans are compared only on these.
    fn non_empty_pattern() -> impl Strategy<Value = String> {
        patterns(&["+", "{1,2}", "+?"])
    }

    fn patterns(quantifiers: &'static [&'static str]) -> impl Strategy<Value = String> {
        atom().prop_recursive(4, 24, 3, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
                prop::collection::vec(inner.clone(), 2..4).prop_map(|v| v.join("|")),
                (inner.clone(), prop::sample::select(quantifiers))
                    .prop_map(|(a, q)| format!("(?:{a}){q}")),
                inner.prop_map(|a| format!("({a})")),
            ]
        })
    }

    proptest! {
        #[test]
        fn full_match_agrees_with_the_regex_crate(p in pattern(), text in "[abc]{0,6}") {
            let ours = re(&p).is_full_match(&text).expect("match");
            let theirs = fancy_regex::Regex::new(&format!(r"\A(?:{p})\z"))
                .expect("rust pattern")
                .is_match(&text)
                .expect("match");
            prop_assert_eq!(ours, theirs, "pattern {} on {:?}", p, text);
        }

        #[test]
        fn leftmost_first_groups_agree_with_the_regex_crate(p in non_empty_pattern(), text in "[abc]{0,6}") {
            let ours = re(&p).find_at(&text, 0).expect("match");
            let theirs = fancy_regex::Regex::new(&p).expect("rust pattern").captures(&text).expect("match");
            let theirs = theirs.map(|c| (0..c.len()).map(|i| c.get(i).map(|m| (m.start(), m.end()))).collect::<Vec<_>>());
            prop_assert_eq!(ours.map(|m| m.groups), theirs, "pattern {} on {:?}", p, text);
        }
    }
}

#[test]
fn a_group_may_hold_a_character_when_a_set_inside_it_has_it() {
    let flags = Flags::default();
    let email = re(r"<(\S+)>|([\w.]+@[\w.]+)");
    assert!(email.group_may_hold(1, '@', flags));
    assert!(email.group_may_hold(2, '@', flags));
    assert!(email.group_may_hold(0, '@', flags));
    let mention = re(r"<@(U[A-Z0-9]+)(?:\|[^>]*)?>");
    assert!(!mention.group_may_hold(1, '@', flags));
    assert!(mention.group_may_hold(0, '@', flags));
    // A look-around tests text the match does not hold; a back-reference may hold anything.
    assert!(!re(r"(\w+(?=@))").group_may_hold(1, '@', flags));
    assert!(re(r"(.)(\1)").group_may_hold(2, '@', flags));
    assert!(!mention.group_may_hold(2, '@', flags));
}

#[test]
fn word_boundaries_in_braces_are_refused_with_what_they_are() {
    assert!(err(r"\b{g}").message.contains("grapheme boundaries"));
    for p in [r"\b{2}", r"\b{1,}"] {
        let e = err(p);
        assert!(
            e.message.contains("word boundary with a count"),
            "{p}: {}",
            e.message
        );
    }
}
