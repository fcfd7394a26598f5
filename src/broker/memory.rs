//! The in-memory broker: one process, so there is no other node to tell.

use super::Broker;
use crate::ops::Op;

pub struct MemoryBroker;

impl Broker for MemoryBroker {
    fn forward(&self, _op: &Op) -> u64 {
        0
    }
}
