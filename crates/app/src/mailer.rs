//! Delivers the outbox over SMTP. Mails are written in the same transaction as the change that
//! caused them; this worker claims them one at a time (so several server processes never send
//! one twice while a claim holds), sends, and marks them sent, retrying with a growing pause.

use std::sync::Arc;
use std::time::Duration;

use jiff::SignedDuration;
use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tovholder_store::{Mail, Store};

use crate::Clock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tls {
    /// STARTTLS on the submission port (587); the usual choice.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine (and tests).
    None,
}

/// SMTP settings. `Debug` never shows the password.
#[derive(Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    pub from: String,
    pub username: Option<String>,
    pub password: Option<String>,
    #[serde(default = "default_tls")]
    pub tls: Tls,
    /// How long a claim holds: a process that dies mid-send frees its mail after this.
    #[serde(default = "default_lease")]
    pub lease_seconds: i64,
}

fn default_lease() -> i64 {
    120
}

fn default_port() -> u16 {
    587
}
fn default_tls() -> Tls {
    Tls::Starttls
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("tls", &self.tls)
            .field("lease_seconds", &self.lease_seconds)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP settings: {0}")]
    Config(String),
}

fn transport(c: &SmtpConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    let builder = match c.tls {
        Tls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&c.host).map_err(|e| MailError::Config(e.to_string()))?,
        Tls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&c.host).map_err(|e| MailError::Config(e.to_string()))?,
        Tls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.host),
    };
    let mut builder = builder.port(c.port).timeout(Some(Duration::from_secs(30)));
    if let (Some(u), Some(p)) = (&c.username, &c.password) {
        builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
    }
    Ok(builder.build())
}

fn message(from: &Mailbox, m: &Mail) -> Result<Message, String> {
    let to: Mailbox = m.mail.to.parse().map_err(|e| format!("recipient: {e}"))?;
    // One Message-ID per outbox row: a receiving server can drop a repeat, and tests can count.
    let domain = from.email.domain().to_string();
    let builder = Message::builder().message_id(Some(format!("<tovholder-mail-{}@{domain}>", m.id))).from(from.clone()).to(to).subject(m.mail.subject.clone());
    match &m.mail.attachment {
        None => builder.header(ContentType::TEXT_PLAIN).body(m.mail.body.clone()),
        Some(a) => {
            let ct = ContentType::parse(&a.content_type).map_err(|e| format!("attachment type: {e}"))?;
            let file = lettre::message::Attachment::new(a.filename.clone()).body(a.text.clone(), ct);
            builder.multipart(MultiPart::mixed().singlepart(SinglePart::plain(m.mail.body.clone())).singlepart(file))
        }
    }
    .map_err(|e| e.to_string())
}

/// Starts the delivery worker; it runs until the runtime ends.
pub fn start(store: Arc<dyn Store>, clock: Clock, config: SmtpConfig) -> Result<(), MailError> {
    let smtp = transport(&config)?;
    let from: Mailbox = config.from.parse().map_err(|e| MailError::Config(format!("from: {e}")))?;
    let lease = SignedDuration::from_secs(config.lease_seconds.max(1));
    tokio::spawn(async move {
        loop {
            let now = clock.now();
            let claimed = match store.claim_mail(now, now + lease, tovholder_store::Channel::Mail).await {
                Ok(m) => m,
                Err(e) => {
                    tracing::error!(error = %e, "outbox: claim failed");
                    None
                }
            };
            let Some(mail) = claimed else {
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            };
            // Log the mail's id only: addresses are personal data.
            // Never the error's text: SMTP servers echo the recipient's address in it.
            let result = match message(&from, &mail) {
                Ok(msg) => smtp.send(msg).await.map(|_| ()).map_err(|e| match e.status() {
                    Some(code) => format!("SMTP status {code}"),
                    None if e.is_transient() => "transient SMTP error".to_string(),
                    None => "SMTP error (connection, TLS or protocol)".to_string(),
                }),
                Err(_) => Err("the mail could not be built (recipient or sender address)".to_string()),
            };
            let done = match result {
                Ok(()) => store.mail_sent(mail.id, clock.now()).await,
                Err(e) => {
                    let pause = SignedDuration::from_secs(30 * 2i64.pow(mail.attempts.clamp(0, 7) as u32));
                    tracing::warn!(mail = mail.id, attempts = mail.attempts, error = %e, "outbox: delivery failed, will retry");
                    store.mail_failed(mail.id, clock.now() + pause).await
                }
            };
            if let Err(e) = done {
                tracing::error!(mail = mail.id, error = %e, "outbox: could not record delivery");
            }
        }
    });
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use tovholder_store::{Attachment, NewMail};

    #[test]
    fn a_mail_with_a_calendar_attachment_is_multipart() {
        let mut mail = NewMail::new("a@b.example".into(), "Invitation: Netværksmøde".into(), "Du er inviteret.".into(), None);
        mail.attachment =
            Some(Attachment { filename: "invitation.ics".into(), content_type: "text/calendar; charset=utf-8; method=REQUEST".into(), text: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".into() });
        let m = Mail { id: 7, mail, created: jiff::Timestamp::UNIX_EPOCH, sent: None, attempts: 0 };
        let from: Mailbox = "Tovholder <t@x.example>".parse().unwrap();
        let msg = message(&from, &m).unwrap();
        let raw = String::from_utf8(msg.formatted()).unwrap();
        assert!(raw.contains("multipart/mixed") && raw.contains("text/calendar") && raw.contains("method=REQUEST"), "{raw}");
    }
}
