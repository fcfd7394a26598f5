//! Per-connection state: tags and tag expressions, stored information, rename,
//! the global store, pings and message history — in the worker and from another process.

mod common;

use common::*;
use serde_json::json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const T: Duration = Duration::from_secs(5);

/// Runs PHP in a separate process that hosts no server: every call goes through the admin API.
fn php_elsewhere(worker: &Worker, code: &str) -> String {
    let out = std::process::Command::new("php")
        .args(["-n", "-d", &format!("extension={}", extension().display())])
        .args([
            "-d",
            &format!("frankenphp_ws.admin_url=http://{}", worker.admin),
        ])
        .args(["-r", code])
        .output()
        .expect("php runs");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_and_expressions_select_the_right_clients() {
    let worker = Worker::start(json!({}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let mut a = connect(&worker.url("/ws?tag=a")).await;
    let mut b = connect(&worker.url("/ws?tag=b")).await;
    let mut c = connect(&worker.url("/ws/other?tag=c")).await;
    let (ia, ib, ic) = (
        worker.open_id("a"),
        worker.open_id("b"),
        worker.open_id("c"),
    );
    for (id, tags) in [
        (&ia, vec!["premium-gold", "fr"]),
        (&ib, vec!["premium-silver", "en"]),
        (&ic, vec!["basic", "fr"]),
    ] {
        for tag in tags {
            assert_eq!(
                php(
                    &mut control,
                    &format!("frankenphp_ws_tagClient('{id}', '{tag}')")
                )
                .await,
                json!(true)
            );
        }
    }
    assert_eq!(
        php(&mut control, "frankenphp_ws_getTagCount('fr')").await,
        json!(2)
    );
    let mut fr = vec![ia.clone(), ic.clone()];
    fr.sort();
    assert_eq!(
        php(&mut control, "frankenphp_ws_getClientsByTag('fr')").await,
        json!(fr)
    );
    assert_eq!(
        php(
            &mut control,
            "frankenphp_ws_getClientsByTagExpression('premium* & !en')"
        )
        .await,
        json!([ia.clone()])
    );
    assert_eq!(
        php(
            &mut control,
            "frankenphp_ws_getClientsByTagExpression('!(premium* | basic)')"
        )
        .await
        .as_array()
        .unwrap()
        .len(),
        1,
        "only the control connection"
    );
    assert_eq!(
        php(
            &mut control,
            "frankenphp_ws_sendToTagExpression('(fr | en) & !basic', 'hello')"
        )
        .await,
        json!(2)
    );
    assert_eq!(next_data(&mut a, T).await, Message::text("hello"));
    assert_eq!(next_data(&mut b, T).await, Message::text("hello"));
    expect_silence(&mut c, Duration::from_millis(200)).await;
    assert_eq!(
        php(
            &mut control,
            "frankenphp_ws_sendToTag('fr', 'fr-only', '/ws/other')"
        )
        .await,
        json!(1)
    );
    assert_eq!(next_data(&mut c, T).await, Message::text("fr-only"));
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_untagClient('{ic}', 'fr')")
        )
        .await,
        json!(true)
    );
    assert_eq!(
        php(&mut control, &format!("frankenphp_ws_getTags('{ic}')")).await,
        json!(["basic"])
    );
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_clearTagClient('{ia}')")
        )
        .await,
        json!(true)
    );
    assert_eq!(
        php(&mut control, "frankenphp_ws_getTags()").await,
        json!(["basic", "en", "premium-silver"])
    );
    let error = php(&mut control, "(function () { try { frankenphp_ws_sendToTagExpression('a & (b', 'x'); } catch (InvalidArgumentException $e) { return $e->getMessage(); } })()").await;
    assert!(error.as_str().unwrap().contains("position 6"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_information_search_and_rename_move_everything() {
    let worker = Worker::start(json!({}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let mut a = connect(&worker.url("/ws?tag=a")).await;
    let _b = connect(&worker.url("/ws?tag=b")).await;
    let (ia, ib) = (worker.open_id("a"), worker.open_id("b"));
    subscribe(&mut a, "news").await;
    php(
        &mut control,
        &format!("frankenphp_ws_setStoredInformation('{ia}', 'name', 'Ada Lovelace')"),
    )
    .await;
    php(
        &mut control,
        &format!("frankenphp_ws_setStoredInformation('{ib}', 'name', 'Alan Turing')"),
    )
    .await;
    php(
        &mut control,
        &format!("frankenphp_ws_tagClient('{ia}', 'vip')"),
    )
    .await;
    assert_eq!(
        php(
            &mut control,
            "frankenphp_ws_searchStoredInformation('name', FRANKENPHP_WS_OP_IPREFIX, 'ada')"
        )
        .await,
        json!([ia.clone()])
    );
    assert_eq!(
        php(
            &mut control,
            "frankenphp_ws_searchStoredInformation('name', FRANKENPHP_WS_OP_REGEX, 'Tur')"
        )
        .await,
        json!([ib.clone()])
    );
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_listStoredInformationKeys('{ia}')")
        )
        .await,
        json!(["name"])
    );
    // Rename onto an existing id fails; onto a new one moves id, state, tags, subscriptions.
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_renameConnection('{ia}', '{ib}')")
        )
        .await,
        json!(false)
    );
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_renameConnection('{ia}', 'user-42')")
        )
        .await,
        json!(true)
    );
    assert_eq!(
        php(
            &mut control,
            "frankenphp_ws_getStoredInformation('user-42', 'name')"
        )
        .await,
        json!("Ada Lovelace")
    );
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_getStoredInformation('{ia}', 'name')")
        )
        .await,
        json!("")
    );
    assert_eq!(
        php(&mut control, "frankenphp_ws_getClientsByTag('vip')").await,
        json!(["user-42"])
    );
    assert_eq!(
        php(&mut control, "frankenphp_ws_getSubscriptions('user-42')").await,
        json!(["news"])
    );
    send_text(&mut control, "broadcast:news:still-subscribed").await;
    assert_eq!(
        next_data(&mut a, T).await,
        Message::text("still-subscribed")
    );
    assert_eq!(
        php(&mut control, "frankenphp_ws_send('user-42', 'by-new-id')").await,
        json!(true)
    );
    assert_eq!(next_data(&mut a, T).await, Message::text("by-new-id"));
    a.close(None).await.unwrap();
    let close = worker.wait_event("close", T, |e| {
        e["type"] == "close" && e["connection"] == "user-42"
    });
    assert_eq!(close["payload"], "client_closed");
    assert_eq!(
        php(
            &mut control,
            "frankenphp_ws_deleteStoredInformation('nope', 'name')"
        )
        .await,
        json!(false)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ping_round_trip_and_message_history() {
    let worker = Worker::start(json!({}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let mut a = connect(&worker.url("/ws?tag=a")).await;
    let ia = worker.open_id("a");
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_getClientPingTime('{ia}')")
        )
        .await,
        json!(0)
    );
    assert_eq!(
        php(&mut control, &format!("frankenphp_ws_enablePing('{ia}')")).await,
        json!(true)
    );
    // The client answers pings while it reads: read until the server has heard a pong.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let rtt = loop {
        expect_silence(&mut a, Duration::from_millis(100)).await;
        let rtt = php(
            &mut control,
            &format!("frankenphp_ws_getClientPingTime('{ia}')"),
        )
        .await
        .as_i64()
        .unwrap();
        if rtt > 0 || std::time::Instant::now() > deadline {
            break rtt;
        }
    };
    assert!(rtt > 0 && rtt < 1_000_000_000, "rtt {rtt} ns");
    php(
        &mut control,
        &format!("frankenphp_ws_enableQueueCounter('{ia}', 2, 60)"),
    )
    .await;
    for i in 0..3 {
        php(&mut control, &format!("frankenphp_ws_send('{ia}', 'm{i}')")).await;
    }
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_getClientMessageCounter('{ia}')")
        )
        .await,
        json!(3)
    );
    let queue = php(
        &mut control,
        &format!("frankenphp_ws_getClientMessageQueue('{ia}')"),
    )
    .await;
    let kept: Vec<_> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["id"].clone(), m["data"].clone()))
        .collect();
    assert_eq!(kept, vec![(json!(2), json!("m1")), (json!(3), json!("m2"))]);
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_clearClientMessageQueue('{ia}')")
        )
        .await,
        json!(true)
    );
    assert_eq!(
        php(
            &mut control,
            &format!("count(frankenphp_ws_getClientMessageQueue('{ia}'))")
        )
        .await,
        json!(0)
    );
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_disableQueueCounter('{ia}')")
        )
        .await,
        json!(true)
    );
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_getClientMessageCounter('{ia}')")
        )
        .await,
        json!(0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_processes_reach_state_ghosts_and_the_global_store_through_the_admin_api() {
    let worker = Worker::start(json!({}));
    let mut a = connect(&worker.url("/ws?tag=a")).await;
    let ia = worker.open_id("a");
    let out = php_elsewhere(
        &worker,
        &format!(
            r#"var_export([
            frankenphp_ws_tagClient('{ia}', 'remote'),
            frankenphp_ws_setStoredInformation('{ia}', 'k', 'v'),
            frankenphp_ws_getStoredInformation('{ia}', 'k'),
            frankenphp_ws_activateGhost('{ia}'),
            frankenphp_ws_isGhost('{ia}'),
            strlen(frankenphp_ws_getResumeToken('{ia}')),
            frankenphp_ws_releaseGhost('{ia}'),
            frankenphp_ws_sendToTag('remote', 'via-admin'),
            frankenphp_ws_global_set('g', 'shared', 60),
            frankenphp_ws_global_get('g'),
            frankenphp_ws_global_has('missing'),
        ]);"#
        ),
    );
    let compact: String = out.split_whitespace().collect();
    assert_eq!(compact, "array(0=>true,1=>true,2=>'v',3=>true,4=>true,5=>32,6=>true,7=>1,8=>NULL,9=>'shared',10=>false,)", "{out}");
    assert_eq!(next_data(&mut a, T).await, Message::text("via-admin"));
    let bad = php_elsewhere(&worker, "try { frankenphp_ws_searchStoredInformation('k', 'like', 'x'); } catch (InvalidArgumentException $e) { echo $e->getMessage(); }");
    assert!(bad.contains("unknown operator"), "{bad}");
}
