//! The PHP functions for tags and tag expressions (docs/functions.md). Thin shells, as in
//! `functions`.

#![allow(non_snake_case)]

use crate::ops::Op;
use ext_php_rs::prelude::*;

use super::args::*;

/// Adds a tag to a connection.
#[php_function]
#[php(name = "frankenphp_ws_tagClient")]
pub fn frankenphp_ws_tag_client(connectionId: Str, tag: Str) -> PhpResult<bool> {
    route(Op::TagClient {
        id: arg(&connectionId, "connectionId")?,
        tag: arg(&tag, "tag")?,
    })
    .map(as_bool)
}

/// Removes a tag from a connection; false if it did not have it.
#[php_function]
#[php(name = "frankenphp_ws_untagClient")]
pub fn frankenphp_ws_untag_client(connectionId: Str, tag: Str) -> PhpResult<bool> {
    route(Op::UntagClient {
        id: arg(&connectionId, "connectionId")?,
        tag: arg(&tag, "tag")?,
    })
    .map(as_bool)
}

/// Removes every tag of a connection.
#[php_function]
#[php(name = "frankenphp_ws_clearTagClient")]
pub fn frankenphp_ws_clear_tag_client(connectionId: Str) -> PhpResult<bool> {
    route(Op::ClearTagClient {
        id: arg(&connectionId, "connectionId")?,
    })
    .map(as_bool)
}

/// The tags of a connection; without an id, every tag in use.
#[php_function]
#[php(name = "frankenphp_ws_getTags")]
pub fn frankenphp_ws_get_tags(connectionId: OptStr) -> PhpResult<Vec<String>> {
    route(Op::GetTags {
        id: opt_arg(&connectionId, "connectionId")?,
    })
    .map(as_strings)
}

/// Ids of the connections with this tag.
#[php_function]
#[php(name = "frankenphp_ws_getClientsByTag")]
pub fn frankenphp_ws_get_clients_by_tag(tag: Str) -> PhpResult<Vec<String>> {
    route(Op::GetClientsByTag {
        tag: arg(&tag, "tag")?,
    })
    .map(as_strings)
}

/// Number of connections with this tag.
#[php_function]
#[php(name = "frankenphp_ws_getTagCount")]
pub fn frankenphp_ws_get_tag_count(tag: Str) -> PhpResult<i64> {
    route(Op::GetTagCount {
        tag: arg(&tag, "tag")?,
    })
    .map(as_int)
}

/// Sends `$data` to every connection with this tag (of `$route`, when given); returns how many.
/// A binary frame when `$binary`.
#[php_function]
#[php(name = "frankenphp_ws_sendToTag")]
#[php(defaults(binary = false))]
pub fn frankenphp_ws_send_to_tag(
    tag: Str,
    data: Str,
    route: OptStr,
    binary: Bool,
) -> PhpResult<i64> {
    let op = Op::SendToTag {
        tag: arg(&tag, "tag")?,
        data: data.bytes(),
        route: opt_arg(&route, "route")?,
        binary: binary.0,
    };
    self::route(op).map(as_int)
}

/// Sends `$data` to the connections a tag expression selects (`&`, `|`, `!`, parentheses,
/// `*` wildcards); returns how many. A malformed expression throws, naming the position.
#[php_function]
#[php(name = "frankenphp_ws_sendToTagExpression")]
#[php(defaults(binary = false))]
pub fn frankenphp_ws_send_to_tag_expression(
    expression: Str,
    data: Str,
    route: OptStr,
    binary: Bool,
) -> PhpResult<i64> {
    let op = Op::SendToTagExpression {
        expression: arg(&expression, "expression")?,
        data: data.bytes(),
        route: opt_arg(&route, "route")?,
        binary: binary.0,
    };
    self::route(op).map(as_int)
}

/// Ids of the connections a tag expression selects.
#[php_function]
#[php(name = "frankenphp_ws_getClientsByTagExpression")]
pub fn frankenphp_ws_get_clients_by_tag_expression(expression: Str) -> PhpResult<Vec<String>> {
    route(Op::GetClientsByTagExpression {
        expression: arg(&expression, "expression")?,
    })
    .map(as_strings)
}

pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(frankenphp_ws_tag_client))
        .function(wrap_function!(frankenphp_ws_untag_client))
        .function(wrap_function!(frankenphp_ws_clear_tag_client))
        .function(wrap_function!(frankenphp_ws_get_tags))
        .function(wrap_function!(frankenphp_ws_get_clients_by_tag))
        .function(wrap_function!(frankenphp_ws_get_tag_count))
        .function(wrap_function!(frankenphp_ws_send_to_tag))
        .function(wrap_function!(frankenphp_ws_send_to_tag_expression))
        .function(wrap_function!(frankenphp_ws_get_clients_by_tag_expression))
}
