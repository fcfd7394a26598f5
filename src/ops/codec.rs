//! The binary codec for operations and their answers: how an `Op` leaves the process (a
//! php-fpm request to the admin API, node to node through Redis).
//!
//! MessagePack (`rmp-serde`), with fields by name. Why not JSON with base64: message data is
//! the bulk of most operations and is any bytes. MessagePack carries it as is, where base64
//! would add a third to every broadcast crossing Redis plus an encode and a decode per hop;
//! and it is a one-pass binary encoding of the same serde types, so no second schema exists.
//! Fields go by name so that adding an optional field later does not break older readers.

use super::{Op, OpError, Reply};

/// The media type of codec bodies on the admin API.
pub const CONTENT_TYPE: &str = "application/msgpack";

pub fn encode_op(op: &Op) -> Vec<u8> {
    rmp_serde::to_vec_named(op).expect("an Op always serialises")
}

/// Decodes an operation; arguments are checked as they are decoded (`values`).
pub fn decode_op(bytes: &[u8]) -> Result<Op, OpError> {
    rmp_serde::from_slice(bytes)
        .map_err(|e| OpError::InvalidArgument(format!("undecodable operation: {e}")))
}

pub fn encode_answer(answer: &Result<Reply, OpError>) -> Vec<u8> {
    rmp_serde::to_vec_named(answer).expect("an answer always serialises")
}

pub fn decode_answer(bytes: &[u8]) -> Result<Result<Reply, OpError>, String> {
    rmp_serde::from_slice(bytes).map_err(|e| format!("undecodable answer: {e}"))
}

/// An operation on its way between nodes.
/// - `origin`: the process it came from, so a node can skip its own messages;
/// - `seq`: the node's sequence number (from 1; 0: none), so a receiver can drop a message
///   sent again after a lost answer;
/// - `ask`: for a request (not 0), the number the answer goes back under
///   (`broker::topics::answers`).
#[derive(serde::Serialize, serde::Deserialize)]
struct Envelope<T> {
    origin: u64,
    #[serde(default)]
    seq: u64,
    #[serde(default)]
    ask: u64,
    op: T,
}

/// A message between nodes, decoded.
pub struct Delivery {
    pub origin: u64,
    pub seq: u64,
    pub ask: u64,
    pub op: Op,
}

pub fn encode_envelope<T: serde::Serialize>(origin: u64, seq: u64, ask: u64, op: &T) -> Vec<u8> {
    rmp_serde::to_vec_named(&Envelope {
        origin,
        seq,
        ask,
        op,
    })
    .expect("an Op always serialises")
}

pub fn decode_envelope(bytes: &[u8]) -> Result<Delivery, OpError> {
    let envelope: Envelope<Op> = rmp_serde::from_slice(bytes).map_err(|e| {
        OpError::InvalidArgument(format!("undecodable message from another node: {e}"))
    })?;
    Ok(Delivery {
        origin: envelope.origin,
        seq: envelope.seq,
        ask: envelope.ask,
        op: envelope.op,
    })
}

/// A message between nodes that is not an operation (`broker::moving`): (origin, ask, it);
/// `None` if the message is something else.
pub fn decode_envelope_as<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<(u64, u64, T)> {
    let envelope: Envelope<T> = rmp_serde::from_slice(bytes).ok()?;
    Some((envelope.origin, envelope.ask, envelope.op))
}

/// (origin, sequence number, ask) alone, without decoding the operation: a node skips its own
/// messages, and those it ran already, at this cost.
pub fn peek_envelope(bytes: &[u8]) -> Option<(u64, u64, u64)> {
    let envelope: Envelope<serde::de::IgnoredAny> = rmp_serde::from_slice(bytes).ok()?;
    Some((envelope.origin, envelope.seq, envelope.ask))
}

/// A node's answer to a request, with the node instance that gave it.
#[derive(serde::Serialize, serde::Deserialize)]
struct Answered<T> {
    from: u64,
    answer: T,
}

pub fn encode_answered<T: serde::Serialize>(from: u64, answer: &T) -> Vec<u8> {
    rmp_serde::to_vec_named(&Answered { from, answer }).expect("an answer always serialises")
}

/// (the answering node instance, its answer).
pub fn decode_answered(bytes: &[u8]) -> Result<(u64, Result<Reply, OpError>), String> {
    let answered: Answered<Result<Reply, OpError>> = rmp_serde::from_slice(bytes)
        .map_err(|e| format!("undecodable answer from another node: {e}"))?;
    Ok((answered.from, answered.answer))
}

/// A node's answer that is not an operation's (`broker::moving`), with the node that gave it.
pub fn decode_answered_as<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<(u64, T)> {
    let answered: Answered<T> = rmp_serde::from_slice(bytes).ok()?;
    Some((answered.from, answered.answer))
}
