//! Documents are scanned by ClamAV's daemon (`clamd`) before anything is stored, when the
//! configuration names one (`clamav`: its Unix socket's path, or `tcp://HOST:PORT`). The file
//! goes over with clamd's INSTREAM command in chunks; clamd answers `stream: OK` or
//! `stream: <signature> FOUND`. When clamd is named but does not answer, uploads are refused:
//! a file is never stored unscanned.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// What clamd said of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// The signature's name, e.g. `Eicar-Test-Signature`.
    Infected(String),
}

/// Longest wait for clamd's answer (a 10 MB file takes well under a second).
const TIMEOUT: Duration = Duration::from_secs(30);
const CHUNK: usize = 64 * 1024;

/// Asks clamd at `address` about `bytes`; an error says why there is no answer.
pub async fn scan(address: &str, bytes: &[u8]) -> Result<Verdict, String> {
    let asked = async {
        if let Some(host) = address.strip_prefix("tcp://") {
            talk(tokio::net::TcpStream::connect(host).await?, bytes).await
        } else {
            talk(tokio::net::UnixStream::connect(address).await?, bytes).await
        }
    };
    let reply = tokio::time::timeout(TIMEOUT, asked).await.map_err(|_| "clamd did not answer in time".to_string())?.map_err(|e| format!("clamd: {e}"))?;
    verdict(&reply)
}

async fn talk<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, bytes: &[u8]) -> std::io::Result<String> {
    s.write_all(b"zINSTREAM\0").await?;
    for chunk in bytes.chunks(CHUNK) {
        s.write_all(&(chunk.len() as u32).to_be_bytes()).await?;
        s.write_all(chunk).await?;
    }
    s.write_all(&0u32.to_be_bytes()).await?;
    s.flush().await?;
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).await?;
    Ok(String::from_utf8_lossy(&reply).trim_end_matches('\0').trim().to_string())
}

fn verdict(reply: &str) -> Result<Verdict, String> {
    match reply.strip_prefix("stream: ") {
        Some("OK") => Ok(Verdict::Clean),
        Some(r) if r.ends_with(" FOUND") => Ok(Verdict::Infected(r.trim_end_matches(" FOUND").to_string())),
        _ => Err(format!("clamd answered {reply:?}")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn clamds_answers_are_read() {
        assert_eq!(verdict("stream: OK"), Ok(Verdict::Clean));
        assert_eq!(verdict("stream: Eicar-Test-Signature FOUND"), Ok(Verdict::Infected("Eicar-Test-Signature".into())));
        assert!(verdict("INSTREAM size limit exceeded. ERROR").is_err());
        assert!(verdict("").is_err());
    }
}
