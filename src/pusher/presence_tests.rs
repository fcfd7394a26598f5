//! The roster with a cluster's book (a Redis driver), in-process: what a Pusher member is told,
//! in what order, when the book's answers and other nodes' changes arrive in any order.

use super::*;
use crate::hub::socket::Socket;
use std::collections::VecDeque;

fn member(hub: &Hub, id: &str, channel: &str) -> Arc<Connection> {
    let conn = Arc::new(Connection::new(
        Arc::from(id),
        Arc::from("/app/key"),
        None,
        "127.0.0.1:1".parse().unwrap(),
        false,
        Socket::new(),
        (1 << 20, 0),
        0,
    ));
    conn.speak_pusher();
    hub.register(conn.clone());
    hub.subscribe(id, channel, |_| {});
    conn
}

/// What the connection was sent, as (event, user id or member ids).
fn told(conn: &Connection) -> Vec<String> {
    let mut frames = VecDeque::new();
    conn.take_outbox(&mut frames);
    frames
        .iter()
        .map(|f| {
            let event: Value = serde_json::from_str(f.as_text().unwrap()).unwrap();
            let data: Value = serde_json::from_str(event["data"].as_str().unwrap()).unwrap();
            let name = event["event"].as_str().unwrap().trim_start_matches("pusher_internal:");
            match name {
                "subscription_succeeded" => format!("list {}", data["presence"]["ids"]),
                _ => format!("{name} {}", data["user_id"].as_str().unwrap()),
            }
        })
        .collect()
}

fn change(added: bool, user: &str, version: u64) -> MemberChange {
    MemberChange {
        added,
        user_id: user.into(),
        info: Value::Null,
        version: Some(version),
    }
}

fn shared_hub() -> (Hub, mpsc::UnboundedReceiver<Change>) {
    let hub = Hub::new();
    let (book, changes) = mpsc::unbounded_channel();
    hub.roster.share_with(book);
    (hub, changes)
}

#[test]
fn changes_that_arrive_before_the_list_follow_it_if_they_are_newer() {
    let (hub, mut changes) = shared_hub();
    let ann = member(&hub, "1.1", "presence-room");
    hub.join_presence("presence-room", &ann, "ann", Value::Null);
    assert!(matches!(changes.try_recv(), Ok(Change::Join { first_here: true, .. })));
    // While Redis answers: carol (version 7) arrives, and news of dave (version 3) that the
    // list, taken at version 5, already holds.
    hub.tell_presence("presence-room", &change(true, "carol", 7), None);
    hub.tell_presence("presence-room", &change(true, "dave", 3), None);
    assert_eq!(told(&ann), Vec::<String>::new(), "nothing before the list");
    let list = listing([("ann".to_string(), Value::Null), ("dave".to_string(), Value::Null)].into_iter());
    hub.listed("presence-room", &ann, list, Some(5));
    assert_eq!(told(&ann), ["list [\"ann\",\"dave\"]", "member_added carol"]);
}

#[test]
fn an_older_change_from_another_node_that_arrives_late_is_not_told() {
    let (hub, _changes) = shared_hub();
    let ann = member(&hub, "1.1", "presence-room");
    hub.join_presence("presence-room", &ann, "ann", Value::Null);
    hub.listed("presence-room", &ann, listing(std::iter::empty()), Some(5));
    told(&ann);
    // bob joined (10) on one node and left (12) on another; the leave arrives first.
    hub.tell_presence("presence-room", &change(false, "bob", 12), None);
    hub.tell_presence("presence-room", &change(true, "bob", 10), None);
    // Older than the list: already in it.
    hub.tell_presence("presence-room", &change(true, "eve", 4), None);
    assert_eq!(told(&ann), ["member_removed bob"]);
}

#[test]
fn a_user_is_not_told_of_itself_and_a_second_list_waits_with_the_first() {
    let (hub, mut changes) = shared_hub();
    let ann = member(&hub, "1.1", "presence-room");
    hub.join_presence("presence-room", &ann, "ann", Value::Null);
    // Subscribed again before the list came: what waits stays.
    hub.tell_presence("presence-room", &change(true, "bob", 9), None);
    hub.join_presence("presence-room", &ann, "ann", Value::Null);
    assert!(matches!(changes.try_recv(), Ok(Change::Join { first_here: true, .. })));
    assert!(matches!(changes.try_recv(), Ok(Change::Join { first_here: false, .. })));
    // A repair re-adds ann, unversioned: not told to ann.
    let unsure = MemberChange { version: None, ..change(true, "ann", 0) };
    hub.tell_presence("presence-room", &unsure, None);
    hub.listed("presence-room", &ann, listing(std::iter::empty()), Some(8));
    assert_eq!(told(&ann), ["list []", "member_added bob"]);
}

#[test]
fn a_second_list_answer_leaves_the_list_told_as_it_was() {
    let (hub, _changes) = shared_hub();
    let ann = member(&hub, "1.1", "presence-room");
    hub.join_presence("presence-room", &ann, "ann", Value::Null);
    hub.join_presence("presence-room", &ann, "ann", Value::Null);
    hub.listed("presence-room", &ann, listing(std::iter::empty()), Some(8));
    // The second answer, taken later (version 10), is not sent: the client's list is as of 8.
    hub.listed("presence-room", &ann, listing(std::iter::empty()), Some(10));
    hub.tell_presence("presence-room", &change(true, "bob", 9), None);
    assert_eq!(told(&ann), ["list []", "member_added bob"]);
}
