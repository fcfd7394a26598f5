//! In-process tests of relayed connections (`Connection::way`): which of this node's own
//! operations reach a connection moving here, and in what order once it arrived.

use super::connection::{any_relayed, echoed};
use super::*;

fn ghost(hub: &Hub, id: &str) -> Arc<Connection> {
    let state = Handover {
        id: id.to_string(),
        route: "/".to_string(),
        user: None,
        remote_addr: "127.0.0.1:1".to_string(),
        trusted: false,
        subscriptions: vec!["news".to_string()],
        tags: Vec::new(),
        info: Vec::new(),
        presence: None,
        ping_interval_ms: 0,
    };
    hub.adopt(&state, (1 << 20, 100), 0).expect("adopted")
}

fn queued(conn: &Connection) -> Vec<String> {
    let (frames, _) = conn.carry();
    frames
        .iter()
        .map(|f| String::from_utf8_lossy(&f.payload()).into_owned())
        .collect()
}

fn broadcast(hub: &Hub, origin: Origin, text: &str) {
    origin.run(|| hub.fan_out("news", &Frame::text(text)));
}

// One test walks the whole life of a move: `echoed` numbers are process-wide, and only grow.
#[test]
fn own_operations_reach_a_moving_connection_once_and_in_redis_order() {
    let _relaying = super::RELAYING_IN_TESTS.write();
    let hub = Hub::new();
    let bystander = hub_member(&hub, "bystander");

    // On its way: this node's own operations reach it only when Redis brings them back.
    let moving = ghost(&hub, "moving");
    assert!(any_relayed() && moving.in_transit());
    broadcast(&hub, Origin::Here(5), "own-5");
    Origin::Here(0).run(|| hub.send("moving", Frame::text("unpublished"), None));
    broadcast(&hub, Origin::Elsewhere, "other");
    broadcast(&hub, Origin::Echo(5), "own-5");
    // An echo reaches nobody who is not relayed (they had it when it ran).
    assert_eq!(queued(&bystander), ["own-5", "other"]);

    // Arrived at number 7: 6 is still on its way through Redis, so what runs here since
    // waits behind it.
    hub.arrive(&moving, Parcel { messages: Vec::new(), last_sent: None }, 7);
    assert!(!moving.in_transit());
    broadcast(&hub, Origin::Here(7), "own-7");
    Origin::Here(0).run(|| hub.send("moving", Frame::text("direct"), None));
    broadcast(&hub, Origin::Echo(6), "own-6");
    assert_eq!(queued(&moving), ["other", "own-5", "own-6"]);
    echoed(6);
    assert_eq!(queued(&moving), ["own-7", "direct"]);

    // Caught up: an ordinary connection again.
    broadcast(&hub, Origin::Here(8), "own-8");
    broadcast(&hub, Origin::Echo(7), "own-7");
    echoed(7);
    assert_eq!(queued(&moving), ["own-8"]);
    assert!(moving.way_is_plain());

    // A second move keeps the first one's range until Redis brought it back.
    let again = ghost(&hub, "again");
    hub.arrive(&again, Parcel { messages: Vec::new(), last_sent: None }, 12);
    again.relay_from(14);
    broadcast(&hub, Origin::Echo(11), "own-11");
    broadcast(&hub, Origin::Here(14), "own-14");
    broadcast(&hub, Origin::Echo(14), "own-14");
    assert_eq!(queued(&again), ["own-11", "own-14"]);
    echoed(14);
    assert!(again.in_transit());
    // Relaying turns feeds off process-wide: nothing relayed is left for the other tests.
    hub.abandon(&again);
    assert!(!any_relayed());
}

fn hub_member(hub: &Hub, id: &str) -> Arc<Connection> {
    let conn = ghost(hub, id);
    hub.arrive(&conn, Parcel { messages: Vec::new(), last_sent: None }, 0);
    echoed(0);
    assert!(conn.way_is_plain());
    conn
}

// A lost fence is given up on for its own move only: a later move's ranges keep waiting.
#[test]
fn giving_up_on_one_moves_fence_keeps_a_later_moves_waiting() {
    let _relaying = super::RELAYING_IN_TESTS.write();
    let hub = Hub::new();
    let twice = ghost(&hub, "twice");
    hub.arrive(&twice, Parcel { messages: Vec::new(), last_sent: None }, 1001);
    twice.relay_from(1005);
    twice.relay_until(1010);
    broadcast(&hub, Origin::Here(1011), "own-1011");
    assert!(queued(&twice).is_empty());
    assert!(twice.give_up_through(1002));
    assert!(queued(&twice).is_empty(), "the second move's range still waits");
    assert!(twice.give_up_through(1011));
    assert_eq!(queued(&twice), ["own-1011"]);
    assert!(twice.way_is_plain());
    assert!(!any_relayed());
}
