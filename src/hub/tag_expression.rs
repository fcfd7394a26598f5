//! Tag expressions: `&` (and), `|` (or), `!` (not), parentheses, and `*` as a
//! wildcard inside a tag (`premium*`). Parsing is pure; evaluation works on the tag index: it
//! visits the members of the tags named, each once, and tests the expression by membership
//! lookups, so it costs those members, not the size of the server (an expression that a
//! connection with none of the tags satisfies, like `!vip`, excepted: it needs everyone).

use super::connection::Connection;
use super::index::{self, MemberIndex, Members};
use std::sync::Arc;

pub const MAX_TAG_LEN: usize = 200;
/// The deepest nesting of `(` and `!`, and the most tags, an expression may have. Parsing,
/// evaluating and dropping an expression recurse once per level of its tree, so without
/// these a long run of `(` or `!`, or a long chain `a|a|…`, overflows the stack and aborts
/// the whole process.
pub const MAX_NESTING: usize = 64;
pub const MAX_TAGS: usize = 1000;
const OPERATORS: &[char] = &['&', '|', '!', '(', ')'];

/// Checks a tag: 1–200 bytes, no white space, none of `& | ! ( ) *`.
pub fn validate_tag(tag: &str) -> Result<(), String> {
    if tag.is_empty() {
        return Err("tag must not be empty".into());
    }
    if tag.len() > MAX_TAG_LEN {
        return Err(format!(
            "tag is {} bytes long; the limit is {MAX_TAG_LEN}",
            tag.len()
        ));
    }
    if let Some((pos, c)) = tag
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || *c == '*' || OPERATORS.contains(c))
    {
        return Err(format!(
            "tag has {c:?} at byte {pos}; tags may not contain white space or & | ! ( ) *"
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A tag, or a pattern when it contains `*`.
    Tag(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// Parses an expression; the error names the byte position of the problem.
pub fn parse(input: &str) -> Result<Expr, String> {
    let mut parser = Parser {
        input,
        pos: 0,
        nesting: 0,
        tags: 0,
    };
    let expr = parser.or()?;
    parser.skip_space();
    if parser.pos < input.len() {
        return Err(parser.error("unexpected character"));
    }
    Ok(expr)
}

struct Parser<'a> {
    input: &'a str,
    pos: usize,
    nesting: usize,
    tags: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        match self.input[self.pos..].chars().next() {
            Some(c) => format!(
                "tag expression {:?}: {what} {c:?} at position {}",
                self.input, self.pos
            ),
            None => format!(
                "tag expression {:?}: {what}: it ends at position {}",
                self.input, self.pos
            ),
        }
    }

    fn skip_space(&mut self) {
        while self.input[self.pos..].starts_with(char::is_whitespace) {
            self.pos += self.input[self.pos..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        if self.input[self.pos..].starts_with(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Enters one level of `(` or `!`, the operator just eaten.
    fn nest(&mut self) -> Result<(), String> {
        if self.nesting == MAX_NESTING {
            self.pos -= 1;
            return Err(self.error(&format!("more than {MAX_NESTING} levels of nesting at")));
        }
        self.nesting += 1;
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.eat('|') {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.not()?;
        while self.eat('&') {
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, String> {
        if self.eat('!') {
            self.nest()?;
            let inner = self.not()?;
            self.nesting -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, String> {
        if self.eat('(') {
            self.nest()?;
            let inner = self.or()?;
            if !self.eat(')') {
                return Err(self.error("expected ')' but found"));
            }
            self.nesting -= 1;
            return Ok(inner);
        }
        self.skip_space();
        let start = self.pos;
        let rest = &self.input[start..];
        let len = rest
            .find(|c: char| c.is_whitespace() || OPERATORS.contains(&c))
            .unwrap_or(rest.len());
        if len == 0 {
            return Err(self.error("expected a tag but found"));
        }
        let tag = &rest[..len];
        if tag.len() > MAX_TAG_LEN {
            return Err(self.error("tag too long"));
        }
        if self.tags == MAX_TAGS {
            return Err(self.error(&format!("more than {MAX_TAGS} tags at")));
        }
        self.tags += 1;
        self.pos += len;
        Ok(Expr::Tag(tag.to_string()))
    }
}

/// An expression bound to the tag index: each tag resolved to its member maps once.
enum Bound<'a> {
    Tags(Vec<&'a Members>),
    Not(Box<Bound<'a>>),
    And(Box<Bound<'a>>, Box<Bound<'a>>),
    Or(Box<Bound<'a>>, Box<Bound<'a>>),
}

impl<'a> Bound<'a> {
    fn new(expr: &Expr, index: &'a MemberIndex) -> Bound<'a> {
        match expr {
            Expr::Tag(tag) if tag.contains('*') => Bound::Tags(index.matching(tag)),
            Expr::Tag(tag) => Bound::Tags(index.members(tag).into_iter().collect()),
            Expr::Not(e) => Bound::Not(Box::new(Bound::new(e, index))),
            Expr::And(a, b) => Bound::And(
                Box::new(Bound::new(a, index)),
                Box::new(Bound::new(b, index)),
            ),
            Expr::Or(a, b) => Bound::Or(
                Box::new(Bound::new(a, index)),
                Box::new(Bound::new(b, index)),
            ),
        }
    }

    /// Whether the connection at `key` satisfies the expression.
    fn test(&self, key: usize) -> bool {
        match self {
            Bound::Tags(maps) => maps.iter().any(|m| m.contains_key(&key)),
            Bound::Not(e) => !e.test(key),
            Bound::And(a, b) => a.test(key) && b.test(key),
            Bound::Or(a, b) => a.test(key) || b.test(key),
        }
    }

    /// The member maps of the tags that appear under an even number of `!`. When a
    /// connection with none of the tags does not match, every match is in one of these: the
    /// expression can only lose by adding a tag that appears negated.
    fn positive_maps(&self, positive: bool, out: &mut Vec<&'a Members>) {
        match self {
            Bound::Tags(maps) if positive => {
                for m in maps {
                    if !out.iter().any(|seen| std::ptr::eq(*seen, *m)) {
                        out.push(m);
                    }
                }
            }
            Bound::Tags(_) => {}
            Bound::Not(e) => e.positive_maps(!positive, out),
            Bound::And(a, b) | Bound::Or(a, b) => {
                a.positive_maps(positive, out);
                b.positive_maps(positive, out);
            }
        }
    }
}

/// Calls `f` once for every connection the expression selects, borrowed from the index.
/// Only the members of the tags named without negation are visited, unless a connection with
/// none of the tags would match (as for `!vip`): then `everyone` is walked.
pub fn for_each_selected<'a>(
    expr: &Expr,
    index: &'a MemberIndex,
    everyone: impl IntoIterator<Item = &'a Arc<Connection>>,
    mut f: impl FnMut(&'a Arc<Connection>),
) {
    let bound = Bound::new(expr, index);
    // No connection lives at usize::MAX, so this asks: does "in none of the tags" match?
    if bound.test(usize::MAX) {
        for conn in everyone {
            if conn.is_open() && bound.test(index::key(conn)) {
                f(conn);
            }
        }
        return;
    }
    let mut maps = Vec::new();
    bound.positive_maps(true, &mut maps);
    for (i, members) in maps.iter().enumerate() {
        for (key, conn) in members.iter() {
            // Visited already through an earlier tag?
            if maps[..i].iter().any(|m| m.contains_key(key)) {
                continue;
            }
            if bound.test(*key) {
                f(conn);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> Box<Expr> {
        Box::new(Expr::Tag(s.into()))
    }

    #[test]
    fn precedence_not_and_or() {
        assert_eq!(
            parse("a | b & !c").unwrap(),
            Expr::Or(
                tag("a"),
                Box::new(Expr::And(tag("b"), Box::new(Expr::Not(tag("c")))))
            )
        );
        assert_eq!(
            parse("(a|b)&c").unwrap(),
            Expr::And(Box::new(Expr::Or(tag("a"), tag("b"))), tag("c"))
        );
        assert_eq!(parse(" premium* ").unwrap(), Expr::Tag("premium*".into()));
    }

    #[test]
    fn errors_name_the_position() {
        assert!(
            parse("a &").unwrap_err().contains("position 3"),
            "{}",
            parse("a &").unwrap_err()
        );
        assert!(parse("(a | b").unwrap_err().contains("position 6"));
        assert!(parse("a b").unwrap_err().contains("position 2"));
        assert!(parse("").unwrap_err().contains("position 0"));
        assert!(parse("a & )").unwrap_err().contains("position 4"));
    }

    /// Found by fuzz/fuzz_targets/tag_expression.rs: the parser recursed once per `(` and `!`,
    /// and evaluation and drop once per tree level, so 10,000 `(` (or 50,000 `!`, or a chain
    /// of 200,000 tags) overflowed a 2 MiB thread stack and aborted the process.
    #[test]
    fn deep_or_long_expressions_are_errors_not_stack_overflows() {
        let nested = |n| format!("{}a{}", "(".repeat(n), ")".repeat(n));
        assert!(parse(&nested(MAX_NESTING)).is_ok());
        let e = parse(&nested(MAX_NESTING + 1)).unwrap_err();
        assert!(
            e.ends_with("levels of nesting at '(' at position 64"),
            "{e}"
        );
        assert!(parse(&format!("{}a", "!".repeat(MAX_NESTING))).is_ok());
        assert!(parse(&format!("{}a", "! ".repeat(MAX_NESTING + 1)))
            .unwrap_err()
            .ends_with("'!' at position 128"));
        // Nesting counts open levels only: siblings do not add up.
        assert!(parse(&vec![nested(MAX_NESTING); 3].join(" & ")).is_ok());
        assert!(parse(&"(".repeat(100_000)).is_err());
        assert!(parse(&"!".repeat(100_000)).is_err());

        let chain = |n| vec!["a"; n].join("|");
        assert!(parse(&chain(MAX_TAGS)).is_ok());
        assert!(parse(&chain(MAX_TAGS + 1))
            .unwrap_err()
            .ends_with("tags at 'a' at position 2000"));
        assert!(parse(&chain(200_000)).is_err());
    }

    #[test]
    fn tag_rules() {
        assert!(validate_tag("vip").is_ok());
        assert!(validate_tag("").is_err());
        assert!(validate_tag("a b").is_err());
        assert!(validate_tag("a*").is_err());
        assert!(validate_tag(&"t".repeat(201)).is_err());
    }
}
