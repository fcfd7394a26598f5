//! wss://: TLS on the WebSocket listener with rustls, from the PEM files `tls_cert` (the chain)
//! and `tls_key`. A file that cannot be used stops the start with a message naming it.

use crate::node::Node;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// A client must finish the TLS handshake within this time.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// TLS failures logged at most once a second: scanners and plain-HTTP clients make many.
static TLS_FAILURES_LOGGED: crate::log::LogLimiter = crate::log::LogLimiter::new();

/// Loads the certificate chain and key; errors say which file and what is wrong with it.
pub fn acceptor(cert: &str, key: &str) -> Result<TlsAcceptor, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("tls_cert '{cert}': {e}"))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("tls_cert '{cert}': {e}"))?;
    if chain.is_empty() {
        return Err(format!("tls_cert '{cert}' holds no PEM certificate"));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("tls_key '{key}': no usable PEM private key ({e})"))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("tls_cert and tls_key do not make a usable pair: {e}"))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Serves one TCP connection: the TLS handshake, then the WebSocket handshake inside it.
pub async fn serve(acceptor: TlsAcceptor, stream: TcpStream, remote: SocketAddr, node: Arc<Node>) {
    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(tls)) => super::upgrade::serve(tls, remote, node).await,
        failed => {
            crate::hub::stats::Stats::add(&node.hub.stats.handshakes_rejected, 1);
            if let Some(suppressed) = TLS_FAILURES_LOGGED.allow() {
                let why = match failed {
                    Ok(Err(error)) => error.to_string(),
                    _ => format!("not finished within {TLS_HANDSHAKE_TIMEOUT:?}"),
                };
                tracing::warn!(client = %remote, suppressed, "TLS handshake failed: {why}");
            }
        }
    }
}
