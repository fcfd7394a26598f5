//! The typed arguments of operations. Each is checked once, where it is made (a PHP binding,
//! an admin request, a decoded message), so an `Op` that exists is valid: execution never
//! re-validates, and a tag expression or a regex is compiled once.

use super::OpError;
use crate::hub::search::Matcher;
use crate::hub::tag_expression::{self, validate_tag, Expr};
use crate::protocol::{self, validate_channel};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

fn not_empty(what: &'static str) -> impl Fn(&str) -> Result<(), String> {
    move |s| {
        if s.is_empty() {
            Err(format!("the {what} must not be empty"))
        } else {
            Ok(())
        }
    }
}

fn route_rule(route: &str) -> Result<(), String> {
    if route.starts_with('/') && !route.contains('\0') {
        Ok(())
    } else {
        Err(format!(
            "route must be a path starting with '/', got {route:?}"
        ))
    }
}

// Names are held inline when short (up to 24 bytes, as most channels, tags and keys are): an op
// on the hot path (`broadcast()`) then allocates nothing for them.
macro_rules! text_values {
    ($($(#[$doc:meta])* $name:ident => $rule:expr;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(try_from = "CompactString", into = "CompactString")]
        pub struct $name(CompactString);

        impl $name {
            pub fn new(text: impl AsRef<str>) -> Result<Self, OpError> {
                let text = text.as_ref();
                ($rule)(text).map_err(OpError::InvalidArgument)?;
                Ok($name(CompactString::new(text)))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<CompactString> for $name {
            type Error = String;
            fn try_from(text: CompactString) -> Result<Self, String> {
                ($rule)(text.as_str())?;
                Ok($name(text))
            }
        }

        impl From<$name> for CompactString {
            fn from(value: $name) -> CompactString {
                value.0
            }
        }
    )*};
}

text_values! {
    /// A connection id.
    Id => not_empty("connection id");
    /// A channel name (`protocol::validate_channel`).
    Channel => validate_channel;
    /// A user id, as authentication gave it.
    UserId => not_empty("user id");
    /// A tag (`tag_expression::validate_tag`).
    Tag => validate_tag;
    /// A global store key.
    Key => not_empty("key");
    /// A route: the request path connections were opened on.
    Route => route_rule;
    /// A presence status: online, away, busy or offline.
    Presence => |s: &str| protocol::presence_status(s).map(|_| ());
    /// A named event (`trigger`): 1 to 200 bytes, as Pusher allows.
    EventName => event_name_rule;
}

fn event_name_rule(name: &str) -> Result<(), String> {
    match name.len() {
        0 => Err("the event name must not be empty".into()),
        1..=200 => Ok(()),
        n => Err(format!("the event name is {n} bytes long; the limit is 200")),
    }
}

/// A tag expression with its parsed form.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Expression {
    text: String,
    expr: Expr,
}

impl Expression {
    pub fn new(text: impl Into<String>) -> Result<Self, OpError> {
        let text = text.into();
        let expr = tag_expression::parse(&text).map_err(OpError::InvalidArgument)?;
        Ok(Expression { text, expr })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn expr(&self) -> &Expr {
        &self.expr
    }
}

impl PartialEq for Expression {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl TryFrom<String> for Expression {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Expression::new(text).map_err(|e| e.to_string())
    }
}

impl From<Expression> for String {
    fn from(value: Expression) -> String {
        value.text
    }
}

/// A `searchStoredInformation` comparison: an operator, its operand and the compiled matcher.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "FilterText", into = "FilterText")]
pub struct Filter {
    op: String,
    value: String,
    matcher: std::sync::Arc<Matcher>,
}

#[derive(Serialize, Deserialize)]
struct FilterText {
    op: String,
    value: String,
}

impl Filter {
    pub fn new(op: impl Into<String>, value: impl Into<String>) -> Result<Self, OpError> {
        let (op, value) = (op.into(), value.into());
        let matcher = Matcher::new(&op, &value).map_err(OpError::InvalidArgument)?;
        Ok(Filter {
            op,
            value,
            matcher: std::sync::Arc::new(matcher),
        })
    }

    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }
}

impl PartialEq for Filter {
    fn eq(&self, other: &Self) -> bool {
        (&self.op, &self.value) == (&other.op, &other.value)
    }
}

impl TryFrom<FilterText> for Filter {
    type Error = String;
    fn try_from(text: FilterText) -> Result<Self, String> {
        Filter::new(text.op, text.value).map_err(|e| e.to_string())
    }
}

impl From<Filter> for FilterText {
    fn from(filter: Filter) -> FilterText {
        FilterText {
            op: filter.op,
            value: filter.value,
        }
    }
}
