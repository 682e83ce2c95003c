//! The one outgoing HTTP client (the identity provider's discovery and tokens, the SMS webhook):
//! HTTPS with the Mozilla roots and ring (as the mailer), plain HTTP as configured. It follows no
//! redirects: one could lead the server to ask an address of an attacker's choosing.

use crate::error::AppError;

type Connector = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

pub type Client = hyper_util::client::legacy::Client<Connector, http_body_util::Full<bytes::Bytes>>;

pub fn client() -> Result<Client, AppError> {
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.into() };
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| AppError::Internal(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().build();
    Ok(hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build(connector))
}
