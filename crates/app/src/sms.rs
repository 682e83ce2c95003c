//! A text message through the configured HTTP webhook (`sms_webhook`): a POST of
//! `{"to": "+4512345678", "text": "…"}` as JSON, which the municipality's SMS gateway (or a small
//! adapter in front of it) turns into an SMS. The text is a short notice with a link, never
//! anything about a child or a family.

use crate::App;

/// Sends `text` to `phone`; an error says why in words for the server's log (no number, no text).
pub async fn send(app: &App, phone: &str, text: &str) -> Result<(), String> {
    let Some(url) = &app.config.sms_webhook else { return Ok(()) };
    let body = serde_json::json!({ "to": phone.chars().filter(|c| !c.is_whitespace()).collect::<String>(), "text": text }).to_string();
    let request = http::Request::post(url.as_str()).header("content-type", "application/json").body(http_body_util::Full::new(bytes::Bytes::from(body))).map_err(|e| e.to_string())?;
    let client = crate::http_client::client().map_err(|e| e.to_string())?;
    let answer = tokio::time::timeout(std::time::Duration::from_secs(10), client.request(request)).await.map_err(|_| "no answer within 10 seconds".to_string())?.map_err(|e| e.to_string())?;
    if answer.status().is_success() { Ok(()) } else { Err(format!("the webhook answered {}", answer.status())) }
}
