//! Text messages through the configured HTTP webhook (`sms_webhook`): a POST of
//! `{"to": "+4512345678", "text": "…"}` as JSON, which the municipality's SMS gateway (or a small
//! adapter in front of it) turns into an SMS. The text is a short notice with a link, never
//! anything about a child or a family. A message waits in the outbox (`NewMail::sms`), written
//! with the change that caused it; this worker claims one at a time, posts it and marks it sent,
//! retrying with a growing pause like the mailer.

use std::sync::Arc;
use std::time::Duration;

use jiff::SignedDuration;
use tovholder_store::{Channel, Store};

use crate::Clock;

/// How long a claim holds: a process that dies mid-send frees its message after this.
const LEASE: SignedDuration = SignedDuration::from_secs(60);

/// Posts `text` to `phone`; an error says why in words for the server's log (no number, no text).
async fn post(url: &str, phone: &str, text: &str) -> Result<(), String> {
    let body = serde_json::json!({ "to": phone, "text": text }).to_string();
    let request = http::Request::post(url).header("content-type", "application/json").body(http_body_util::Full::new(bytes::Bytes::from(body))).map_err(|e| e.to_string())?;
    let client = crate::http_client::client().map_err(|e| e.to_string())?;
    let answer = tokio::time::timeout(Duration::from_secs(10), client.request(request)).await.map_err(|_| "no answer within 10 seconds".to_string())?.map_err(|e| e.to_string())?;
    if answer.status().is_success() { Ok(()) } else { Err(format!("the webhook answered {}", answer.status())) }
}

/// Starts the delivery worker for `url`; it runs until the runtime ends.
pub fn start(store: Arc<dyn Store>, clock: Clock, url: String) {
    tokio::spawn(async move {
        loop {
            let now = clock.now();
            let claimed = match store.claim_mail(now, now + LEASE, Channel::Sms).await {
                Ok(m) => m,
                Err(e) => {
                    tracing::error!(error = %e, "sms: claim failed");
                    None
                }
            };
            let Some(sms) = claimed else {
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            };
            let result = match sms.mail.sms_to() {
                Some(phone) => post(&url, phone, &sms.mail.body).await,
                None => Err("not a text message".to_string()),
            };
            // Its id only: the number is personal data.
            let done = match result {
                Ok(()) => store.mail_sent(sms.id, clock.now()).await,
                Err(e) => {
                    let pause = SignedDuration::from_secs(15 * 2i64.pow(sms.attempts.clamp(0, 7) as u32));
                    tracing::warn!(sms = sms.id, attempts = sms.attempts, error = %e, "sms: the webhook failed, will retry");
                    store.mail_failed(sms.id, clock.now() + pause).await
                }
            };
            if let Err(e) = done {
                tracing::error!(sms = sms.id, error = %e, "sms: could not record delivery");
            }
        }
    });
}
