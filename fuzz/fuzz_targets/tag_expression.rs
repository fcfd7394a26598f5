//! Fuzzes `hub::tag_expression::parse`, the parser of tag expressions (`& | ! ( )`, `*`
//! wildcards), and the selection that evaluates a parsed expression on the tag index:
//! - parse never panics; an error ends with "position N", N a char boundary of the input;
//! - every tag of a parsed expression is 1..=MAX_TAG_LEN bytes without space or operators, and
//!   printing the expression fully parenthesized parses back to the same tree;
//! - `for_each_selected`, run on a small index of connections whose tags are drawn from the
//!   expression, selects each connection at most once, and exactly those that a plain
//!   recursive evaluation (with `index::glob` for patterns) says match;
//! - a short input repeated up to 64 KiB (`!!!!…`, `((((…`) parses without exhausting the
//!   stack: expressions come from the application, and a stack overflow aborts the whole
//!   server, where an error is just thrown. Random mutation alone rarely builds such long runs.
#![no_main]

use frankenphp_ws::hub::connection::{Connection, Socket};
use frankenphp_ws::hub::index::{self, glob, MemberIndex};
use frankenphp_ws::hub::tag_expression::{for_each_selected, parse, Expr, MAX_TAG_LEN};
use libfuzzer_sys::fuzz_target;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

const CONNECTIONS: usize = 6;
const REPEATED_LEN: usize = 64 * 1024;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    match parse(input) {
        Err(message) => check_error(input, &message),
        Ok(expr) => {
            check_tree(input, &expr);
            check_selection(data, &expr);
        }
    }
    if (1..=4).contains(&input.len()) {
        let repeated = input.repeat(REPEATED_LEN / input.len());
        match parse(&repeated) {
            Err(message) => check_error(&repeated, &message),
            Ok(expr) => check_tree(&repeated, &expr),
        }
    }
});

fn check_error(input: &str, message: &str) {
    let digits = message.len() - message.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, number) = message.split_at(message.len() - digits);
    assert!(head.ends_with("position ") && digits > 0, "error names no position: {message:?}");
    let pos: usize = number.parse().unwrap();
    assert!(pos <= input.len() && input.is_char_boundary(pos), "position {pos} is not in {input:?}");
}

fn check_tree(input: &str, expr: &Expr) {
    let mut printed = String::new();
    print(expr, 0, &mut printed);
    assert_eq!(parse(&printed).as_ref(), Ok(expr), "{input:?} printed as {printed:?} parses differently");
}

/// Prints with only the parentheses the tree needs (`|` < `&` < `!`, left-associative), so the
/// printed form nests no deeper than the input did. `level`: 0 under `|`, 1 under `&`, 2
/// under `!` or as the right operand of `&`.
fn print(expr: &Expr, level: u8, out: &mut String) {
    let (own, left, right, op) = match expr {
        Expr::Tag(tag) => {
            assert!(!tag.is_empty() && tag.len() <= MAX_TAG_LEN, "tag {tag:?}");
            assert!(
                !tag.chars().any(|c| c.is_whitespace() || "&|!()".contains(c)),
                "tag {tag:?} holds white space or an operator"
            );
            out.push_str(tag);
            return;
        }
        Expr::Not(e) => {
            out.push('!');
            return print(e, 2, out);
        }
        Expr::Or(a, b) => (0, a, b, " | "),
        Expr::And(a, b) => (1, a, b, " & "),
    };
    if level > own {
        out.push('(');
    }
    print(left, own, out);
    out.push_str(op);
    print(right, own + 1, out);
    if level > own {
        out.push(')');
    }
}

/// Tags the connections may carry: every tag the expression names, patterns with their stars
/// dropped or replaced (so they match something), and two the expression may not name.
fn candidate_tags(expr: &Expr, out: &mut Vec<String>) {
    match expr {
        Expr::Tag(tag) => {
            for candidate in [tag.replace('*', ""), tag.replace('*', "x"), tag.clone()] {
                if !candidate.is_empty() && !candidate.contains('*') && !out.contains(&candidate) {
                    out.push(candidate);
                }
            }
        }
        Expr::Not(e) => candidate_tags(e, out),
        Expr::And(a, b) | Expr::Or(a, b) => {
            candidate_tags(a, out);
            candidate_tags(b, out);
        }
    }
}

fn matches(expr: &Expr, tags: &[String]) -> bool {
    match expr {
        Expr::Tag(t) if t.contains('*') => tags.iter().any(|tag| glob(t, tag)),
        Expr::Tag(t) => tags.contains(t),
        Expr::Not(e) => !matches(e, tags),
        Expr::And(a, b) => matches(a, tags) && matches(b, tags),
        Expr::Or(a, b) => matches(a, tags) || matches(b, tags),
    }
}

fn check_selection(data: &[u8], expr: &Expr) {
    let mut universe = vec!["vip".to_string(), "premium-gold".to_string()];
    candidate_tags(expr, &mut universe);
    let connections: Vec<Arc<Connection>> = (0..CONNECTIONS)
        .map(|i| {
            Arc::new(Connection::new(
                Arc::from(format!("c{i}")),
                Arc::from("/ws"),
                None,
                "127.0.0.1:1".parse().unwrap(),
                false,
                Socket::new(),
                (1 << 20, 1 << 20),
                0,
            ))
        })
        .collect();
    // Which connection carries which tag: drawn from a hash of the input, so it is
    // reproducible and the fuzzer's mutations reach different memberships.
    let mut index = MemberIndex::default();
    let mut tags_of: Vec<Vec<String>> = vec![Vec::new(); CONNECTIONS];
    for (i, conn) in connections.iter().enumerate() {
        for tag in &universe {
            let mut h = DefaultHasher::new();
            (data, i, tag).hash(&mut h);
            if h.finish() % 3 == 0 {
                index.insert(tag, conn);
                tags_of[i].push(tag.clone());
            }
        }
    }
    let mut selected: Vec<usize> = Vec::new();
    for_each_selected(expr, &index, connections.iter(), |conn| selected.push(index::key(conn)));
    for (i, conn) in connections.iter().enumerate() {
        let times = selected.iter().filter(|&&k| k == index::key(conn)).count();
        let expected = matches(expr, &tags_of[i]);
        assert!(times <= 1, "connection {i} selected {times} times");
        assert_eq!(times == 1, expected, "connection {i} with tags {:?}: selected {}, should be {expected}", tags_of[i], times == 1);
    }
    assert!(selected.iter().all(|k| connections.iter().any(|c| index::key(c) == *k)));
}
