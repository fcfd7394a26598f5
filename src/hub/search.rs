//! `searchStoredInformation` operators: the ten `FRANKENPHP_WS_OP_*` comparisons.

use regex::Regex;

pub const OPERATORS: &[&str] =
    &["eq", "neq", "prefix", "suffix", "contains", "ieq", "iprefix", "isuffix", "icontains", "regex"];

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
                regex::RegexBuilder::new(value)
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

    pub fn matches(&self, text: &str) -> bool {
        match self {
            Matcher::Eq(v) => text == v,
            Matcher::Neq(v) => text != v,
            Matcher::Prefix(v) => text.starts_with(v.as_str()),
            Matcher::Suffix(v) => text.ends_with(v.as_str()),
            Matcher::Contains(v) => text.contains(v.as_str()),
            Matcher::IEq(v) => text.to_lowercase() == *v,
            Matcher::IPrefix(v) => text.to_lowercase().starts_with(v.as_str()),
            Matcher::ISuffix(v) => text.to_lowercase().ends_with(v.as_str()),
            Matcher::IContains(v) => text.to_lowercase().contains(v.as_str()),
            Matcher::Regex(r) => r.is_match(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Matcher;

    #[test]
    fn operators() {
        let m = |op, v, t| Matcher::new(op, v).unwrap().matches(t);
        assert!(m("eq", "a", "a") && !m("eq", "a", "A"));
        assert!(m("neq", "a", "b"));
        assert!(m("prefix", "ab", "abc") && m("suffix", "bc", "abc") && m("contains", "b", "abc"));
        assert!(m("ieq", "ABC", "abc") && m("iprefix", "AB", "abc") && m("isuffix", "BC", "abc"));
        assert!(m("icontains", "B", "abc"));
        assert!(m("regex", "^a.c$", "abc") && !m("regex", "^a.c$", "abcd"));
        assert!(Matcher::new("regex", "(").unwrap_err().contains("invalid regex"));
        assert!(Matcher::new("like", "x").unwrap_err().contains("unknown operator"));
    }
}
