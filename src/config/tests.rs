#[test]
fn resume_tokens_auto_needs_a_ghost_ttl() {
    let auto = |ttl: &str| {
        Config::from_pairs([
            ("resume_tokens".into(), "auto".into()),
            ("ghost_ttl".into(), ttl.into()),
        ])
    };
    assert!(auto("60").unwrap().resume_tokens_auto);
    let e = auto("0").unwrap_err();
    assert!(
        e.contains("resume_tokens") && e.contains("ghost_ttl"),
        "{e}"
    );
    let e = Config::from_pairs([("resume_tokens".into(), "yes".into())]).unwrap_err();
    assert!(e.contains("'off' or 'auto'"), "{e}");
}

#[test]
fn subprotocols_are_tokens() {
    let config = Config::from_pairs([("subprotocols".into(), " json  chat.v2 ".into())]).unwrap();
    assert_eq!(config.subprotocols, ["json", "chat.v2"]);
    let e = Config::from_pairs([("subprotocols".into(), "json,xml".into())]).unwrap_err();
    assert!(e.contains("subprotocols") && e.contains("json,xml"), "{e}");
}

use super::*;

#[test]
fn defaults_match_the_contract() {
    let c = Config::default();
    assert_eq!(c.listen, "127.0.0.1:8080");
    assert_eq!(c.path, "/ws");
    assert_eq!(c.max_message_size, 1_048_576);
    assert_eq!(c.event_queue_size, 65_536);
    assert_eq!(c.ping_interval, Duration::from_secs(25));
}

#[test]
fn unknown_and_bad_values_are_explained() {
    let e = Config::from_pairs([("nope".into(), "1".into())]).unwrap_err();
    assert!(e.contains("unknown option 'nope'"), "{e}");
    let e = Config::from_pairs([("send_buffer".into(), "-1".into())]).unwrap_err();
    assert!(e.contains("non-negative integer"), "{e}");
}

#[test]
fn non_loopback_needs_auth_and_admin_token() {
    let c = Config::from_pairs([("listen".into(), "0.0.0.0:0".into())]).unwrap();
    assert!(c
        .validate_for_server()
        .unwrap_err()
        .contains("auth_endpoint"));
    let c = Config::from_pairs([
        ("listen".into(), "0.0.0.0:0".into()),
        ("auth_jwt_secret".into(), "k".into()),
    ])
    .unwrap();
    assert!(
        c.validate_for_server().is_ok(),
        "a JWT secret authenticates too"
    );
    let c = Config::from_pairs([
        ("listen".into(), "0.0.0.0:0".into()),
        ("auth_endpoint".into(), "https://x/".into()),
    ])
    .unwrap();
    assert!(c.validate_for_server().unwrap_err().contains("http://"));
    assert!(Config::from_pairs([("tls_cert".into(), "a.pem".into())])
        .unwrap_err()
        .contains("go together"));
    let c = Config::from_pairs([("admin_listen".into(), "0.0.0.0:0".into())]).unwrap();
    assert!(c.validate_for_server().unwrap_err().contains("admin_token"));
}

#[test]
fn redis_passwords_are_masked() {
    assert_eq!(
        mask_password("redis://app:p@ss@h:1/2"),
        "redis://app:********@h:1/2"
    );
    assert_eq!(mask_password("redis://:pw@h:1"), "redis://:********@h:1");
    assert_eq!(mask_password(":secret@h:6379"), ":********@h:6379");
    assert_eq!(mask_password("redis://h:1"), "redis://h:1");
}

#[test]
fn secrets_come_from_the_value_or_a_file_and_are_masked_for_display() {
    let dir = std::env::temp_dir().join(format!("fws-config-secret-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("token");
    std::fs::write(&file, "  s3cret\n").unwrap();
    let path = file.display().to_string();
    let pairs = |list: &[(&str, &str)]| {
        Config::from_pairs(list.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    };

    let c = pairs(&[("admin_token_file", &path), ("auth_jwt_secret_file", &path)]).unwrap();
    assert_eq!(
        (c.admin_token.as_str(), c.auth_jwt_secret.as_str()),
        ("s3cret", "s3cret")
    );
    let c = pairs(&[("admin_token", "direct")]).unwrap();
    assert_eq!(c.admin_token, "direct");
    let e = pairs(&[("admin_token", "direct"), ("admin_token_file", &path)]).unwrap_err();
    assert!(
        e.contains("'admin_token' and 'admin_token_file' exclude each other"),
        "{e}"
    );
    let missing = dir.join("none").display().to_string();
    let e = pairs(&[("auth_jwt_secret_file", &missing)]).unwrap_err();
    assert!(
        e.contains("option 'auth_jwt_secret_file': cannot read") && e.contains(&missing),
        "{e}"
    );
    std::fs::write(&file, " \n").unwrap();
    assert!(pairs(&[("admin_token_file", &path)])
        .unwrap_err()
        .contains("is empty"));
    std::fs::remove_dir_all(&dir).unwrap();

    assert_eq!(
        displayed_value("frankenphp_ws.admin_token", "x"),
        "********"
    );
    assert_eq!(displayed_value("auth_jwt_secret", ""), "");
    assert_eq!(
        displayed_value("admin_token_file", "/run/secret"),
        "/run/secret"
    );
    assert_eq!(displayed_value("listen", "127.0.0.1:1"), "127.0.0.1:1");
}

#[test]
fn compression_is_on_from_256_bytes_unless_off() {
    let config = Config::from_pairs([]).unwrap();
    assert_eq!(config.compress_from, Some(256));
    let config = Config::from_pairs([
        ("compression".into(), "on".into()),
        ("compression_threshold".into(), "0".into()),
    ])
    .unwrap();
    assert_eq!(config.compress_from, Some(0));
    let config = Config::from_pairs([("compression".into(), "off".into())]).unwrap();
    assert_eq!(config.compress_from, None);
    let e = Config::from_pairs([("compression".into(), "yes".into())]).unwrap_err();
    assert!(e.contains("compression") && e.contains("yes"), "{e}");
}
