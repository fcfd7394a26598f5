//! `searchStoredInformation` operators: the ten `FRANKENPHP_WS_OP_*` comparisons.

use regex::bytes::Regex;

pub const OPERATORS: &[&str] = &[
    "eq",
    "neq",
    "prefix",
    "suffix",
    "contains",
    "ieq",
    "iprefix",
    "isuffix",
    "icontains",
    "regex",
];

#[derive(Debug)]
pub enum Matcher {
    Eq(String),
    Neq(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
    /// The case-insensitive forms compare lowercased text.
    IEq(String),
    IPrefix(String),
    ISuffix(String),
    IContains(String),
    Regex(Regex),
}

impl Matcher {
    /// Builds the comparison; an unknown operator or a bad regex says what to fix.
    pub fn new(op: &str, value: &str) -> Result<Matcher, String> {
        let v = value.to_string();
        let lower = value.to_lowercase();
        Ok(match op {
            "eq" => Matcher::Eq(v),
            "neq" => Matcher::Neq(v),
            "prefix" => Matcher::Prefix(v),
            "suffix" => Matcher::Suffix(v),
            "contains" => Matcher::Contains(v),
            "ieq" => Matcher::IEq(lower),
            "iprefix" => Matcher::IPrefix(lower),
            "isuffix" => Matcher::ISuffix(lower),
            "icontains" => Matcher::IContains(lower),
            "regex" => Matcher::Regex(
                regex::bytes::RegexBuilder::new(value)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| format!("invalid regex {value:?}: {e}"))?,
            ),
            other => {
                return Err(format!(
                    "unknown operator {other:?}; use one of the FRANKENPHP_WS_OP_* constants: {}",
                    OPERATORS.join(", ")
                ))
            }
        })
    }

    /// Compares a stored value, which may be any bytes: the exact operators compare bytes,
    /// the case-insensitive ones lowercased text (invalid UTF-8 read as U+FFFD).
    pub fn matches(&self, value: &[u8]) -> bool {
        let lower = || String::from_utf8_lossy(value).to_lowercase();
        match self {
            Matcher::Eq(v) => value == v.as_bytes(),
            Matcher::Neq(v) => value != v.as_bytes(),
            Matcher::Prefix(v) => value.starts_with(v.as_bytes()),
            Matcher::Suffix(v) => value.ends_with(v.as_bytes()),
            Matcher::Contains(v) => contains(value, v.as_bytes()),
            Matcher::IEq(v) => lower() == *v,
            Matcher::IPrefix(v) => lower().starts_with(v.as_str()),
            Matcher::ISuffix(v) => lower().ends_with(v.as_str()),
            Matcher::IContains(v) => lower().contains(v.as_str()),
            Matcher::Regex(r) => r.is_match(value),
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::Matcher;

    #[test]
    fn operators() {
        let m = |op, v, t: &str| Matcher::new(op, v).unwrap().matches(t.as_bytes());
        assert!(m("eq", "a", "a") && !m("eq", "a", "A"));
        assert!(m("neq", "a", "b"));
        assert!(m("prefix", "ab", "abc") && m("suffix", "bc", "abc") && m("contains", "b", "abc"));
        assert!(m("ieq", "ABC", "abc") && m("iprefix", "AB", "abc") && m("isuffix", "BC", "abc"));
        assert!(m("icontains", "B", "abc"));
        assert!(m("regex", "^a.c$", "abc") && !m("regex", "^a.c$", "abcd"));
        assert!(
            Matcher::new("eq", "a").unwrap().matches(b"a")
                && Matcher::new("contains", "b").unwrap().matches(b"\xffb\xfe")
        );
        assert!(Matcher::new("regex", "(")
            .unwrap_err()
            .contains("invalid regex"));
        assert!(Matcher::new("like", "x")
            .unwrap_err()
            .contains("unknown operator"));
    }
}
