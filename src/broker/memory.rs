//! The in-memory broker: one process, so a publish is a local fan-out.

use super::Broker;
use crate::hub::{frame_for, Hub};
use bytes::Bytes;
use std::sync::Arc;

pub struct MemoryBroker {
    hub: Arc<Hub>,
}

impl MemoryBroker {
    pub fn new(hub: Arc<Hub>) -> Self {
        MemoryBroker { hub }
    }
}

impl Broker for MemoryBroker {
    fn publish(&self, channel: &str, data: Bytes) -> usize {
        self.hub.fan_out(channel, &frame_for(data, false))
    }

    fn send_to_user(&self, user: &str, data: Bytes) -> usize {
        self.hub.send_to_user(user, &frame_for(data, false))
    }
}
