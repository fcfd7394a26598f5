//! Tag expressions (api.md 6): `&` (and), `|` (or), `!` (not), parentheses, and `*` as a
//! wildcard inside a tag (`premium*`). Parsing is pure; evaluation works on the tag index, so
//! it costs the members of the tags named, not the size of the server (`!` alone excepted: it
//! needs every connection).

use super::index::{MemberIndex, Members};

pub const MAX_TAG_LEN: usize = 200;
const OPERATORS: &[char] = &['&', '|', '!', '(', ')'];

/// Checks a tag: 1–200 bytes, no white space, none of `& | ! ( ) *`.
pub fn validate_tag(tag: &str) -> Result<(), String> {
    if tag.is_empty() {
        return Err("tag must not be empty".into());
    }
    if tag.len() > MAX_TAG_LEN {
        return Err(format!("tag is {} bytes long; the limit is {MAX_TAG_LEN}", tag.len()));
    }
    if let Some((pos, c)) = tag.char_indices().find(|(_, c)| c.is_whitespace() || *c == '*' || OPERATORS.contains(c)) {
        return Err(format!("tag has {c:?} at byte {pos}; tags may not contain white space or & | ! ( ) *"));
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
    let mut parser = Parser { input, pos: 0 };
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
}

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        match self.input[self.pos..].chars().next() {
            Some(c) => format!("tag expression {:?}: {what} {c:?} at position {}", self.input, self.pos),
            None => format!("tag expression {:?}: {what}: it ends at position {}", self.input, self.pos),
        }
    }

    fn skip_space(&mut self) {
        while self.input[self.pos..].starts_with(char::is_whitespace) {
            self.pos += self.input[self.pos..].chars().next().map_or(1, char::len_utf8);
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
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, String> {
        if self.eat('(') {
            let inner = self.or()?;
            if !self.eat(')') {
                return Err(self.error("expected ')' but found"));
            }
            return Ok(inner);
        }
        self.skip_space();
        let start = self.pos;
        let rest = &self.input[start..];
        let len = rest.find(|c: char| c.is_whitespace() || OPERATORS.contains(&c)).unwrap_or(rest.len());
        if len == 0 {
            return Err(self.error("expected a tag but found"));
        }
        let tag = &rest[..len];
        if tag.len() > MAX_TAG_LEN {
            return Err(self.error("tag too long"));
        }
        self.pos += len;
        Ok(Expr::Tag(tag.to_string()))
    }
}

/// A set of connections, or the complement of one (what `!` yields).
enum Set {
    Only(Members),
    AllBut(Members),
}

fn union(mut a: Members, b: &Members) -> Members {
    for (k, v) in b {
        a.entry(*k).or_insert_with(|| v.clone());
    }
    a
}

fn intersect(a: &Members, b: &Members) -> Members {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small.iter().filter(|(k, _)| large.contains_key(k)).map(|(k, v)| (*k, v.clone())).collect()
}

fn minus(a: &Members, b: &Members) -> Members {
    a.iter().filter(|(k, _)| !b.contains_key(k)).map(|(k, v)| (*k, v.clone())).collect()
}

fn eval(expr: &Expr, index: &MemberIndex) -> Set {
    match expr {
        Expr::Tag(tag) if tag.contains('*') => {
            Set::Only(index.matching(tag).fold(Members::new(), |acc, m| union(acc, m)))
        }
        Expr::Tag(tag) => Set::Only(index.members(tag).cloned().unwrap_or_default()),
        Expr::Not(inner) => match eval(inner, index) {
            Set::Only(s) => Set::AllBut(s),
            Set::AllBut(s) => Set::Only(s),
        },
        Expr::And(a, b) => match (eval(a, index), eval(b, index)) {
            (Set::Only(x), Set::Only(y)) => Set::Only(intersect(&x, &y)),
            (Set::Only(x), Set::AllBut(y)) | (Set::AllBut(y), Set::Only(x)) => Set::Only(minus(&x, &y)),
            (Set::AllBut(x), Set::AllBut(y)) => Set::AllBut(union(x, &y)),
        },
        Expr::Or(a, b) => match (eval(a, index), eval(b, index)) {
            (Set::Only(x), Set::Only(y)) => Set::Only(union(x, &y)),
            (Set::Only(x), Set::AllBut(y)) | (Set::AllBut(y), Set::Only(x)) => Set::AllBut(minus(&y, &x)),
            (Set::AllBut(x), Set::AllBut(y)) => Set::AllBut(intersect(&x, &y)),
        },
    }
}

/// The connections the expression selects; `everyone` is called only for a complement.
pub fn select(expr: &Expr, index: &MemberIndex, everyone: impl FnOnce() -> Members) -> Members {
    match eval(expr, index) {
        Set::Only(s) => s,
        Set::AllBut(s) => minus(&everyone(), &s),
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
            Expr::Or(tag("a"), Box::new(Expr::And(tag("b"), Box::new(Expr::Not(tag("c"))))))
        );
        assert_eq!(parse("(a|b)&c").unwrap(), Expr::And(Box::new(Expr::Or(tag("a"), tag("b"))), tag("c")));
        assert_eq!(parse(" premium* ").unwrap(), Expr::Tag("premium*".into()));
    }

    #[test]
    fn errors_name_the_position() {
        assert!(parse("a &").unwrap_err().contains("position 3"), "{}", parse("a &").unwrap_err());
        assert!(parse("(a | b").unwrap_err().contains("position 6"));
        assert!(parse("a b").unwrap_err().contains("position 2"));
        assert!(parse("").unwrap_err().contains("position 0"));
        assert!(parse("a & )").unwrap_err().contains("position 4"));
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
