//! A small SMTP sink for development and tests: accepts every message and writes it as a
//! `.eml` file into a directory. It can be switched into a failing mode (temporary 451
//! replies) so tests can prove that mail is retried rather than lost.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Shared switches of a running sink.
#[derive(Debug, Default)]
pub struct Control {
    failing: AtomicBool,
}

impl Control {
    /// While set, every `MAIL FROM` is answered with a temporary failure.
    pub fn set_failing(&self, on: bool) {
        self.failing.store(on, Ordering::SeqCst);
    }
}

/// Longest message accepted (the API sends small mails; this bounds memory).
const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;

/// Serves SMTP on the listener until the task is dropped.
pub async fn serve(
    listener: TcpListener,
    dir: PathBuf,
    control: Arc<Control>,
) -> std::io::Result<()> {
    tokio::fs::create_dir_all(&dir).await?;
    loop {
        let (stream, peer) = listener.accept().await?;
        let dir = dir.clone();
        let control = control.clone();
        tokio::spawn(async move {
            if let Err(e) = session(stream, &dir, &control).await {
                tracing::debug!(%peer, error = %e, "smtp session ended with an error");
            }
        });
    }
}

async fn reply(w: &mut (impl AsyncWriteExt + Unpin), line: &str) -> std::io::Result<()> {
    w.write_all(line.as_bytes()).await?;
    w.write_all(b"\r\n").await?;
    w.flush().await
}

async fn session(stream: TcpStream, dir: &Path, control: &Control) -> std::io::Result<()> {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    reply(&mut w, "220 makapix-smtp-sink ready").await?;
    let mut line = String::new();
    let mut has_from = false;
    let mut has_rcpt = false;
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_ascii_uppercase();
        if cmd.starts_with("EHLO") {
            w.write_all(b"250-makapix-smtp-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                .await?;
        } else if cmd.starts_with("HELO") {
            reply(&mut w, "250 makapix-smtp-sink").await?;
        } else if cmd.starts_with("MAIL FROM") {
            if control.failing.load(Ordering::SeqCst) {
                reply(&mut w, "451 4.3.0 Temporary failure, try again later").await?;
            } else {
                has_from = true;
                reply(&mut w, "250 OK").await?;
            }
        } else if cmd.starts_with("RCPT TO") {
            if has_from {
                has_rcpt = true;
                reply(&mut w, "250 OK").await?;
            } else {
                reply(&mut w, "503 5.5.1 MAIL first").await?;
            }
        } else if cmd == "DATA" {
            if !has_rcpt {
                reply(&mut w, "503 5.5.1 RCPT first").await?;
                continue;
            }
            reply(&mut w, "354 End data with <CR><LF>.<CR><LF>").await?;
            match read_data(&mut r).await? {
                Some(body) => {
                    let name = store(dir, &body).await?;
                    reply(&mut w, &format!("250 OK queued as {name}")).await?;
                }
                None => reply(&mut w, "552 5.3.4 Message too big").await?,
            }
            has_from = false;
            has_rcpt = false;
        } else if cmd == "RSET" {
            has_from = false;
            has_rcpt = false;
            reply(&mut w, "250 OK").await?;
        } else if cmd == "NOOP" {
            reply(&mut w, "250 OK").await?;
        } else if cmd == "QUIT" {
            reply(&mut w, "221 Bye").await?;
            return Ok(());
        } else {
            reply(&mut w, "502 5.5.2 Command not implemented").await?;
        }
    }
}

/// Reads until the lone dot, undoing dot-stuffing. `None` when the message is too big.
async fn read_data(r: &mut (impl AsyncBufReadExt + Unpin)) -> std::io::Result<Option<Vec<u8>>> {
    let mut body = Vec::new();
    let mut line = Vec::new();
    let mut too_big = false;
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok((!too_big).then_some(body));
        }
        let content = if line.starts_with(b"..") {
            &line[1..]
        } else {
            &line[..]
        };
        if body.len() + content.len() > MAX_MESSAGE_BYTES {
            too_big = true;
        } else {
            body.extend_from_slice(content);
        }
    }
}

/// Writes atomically so readers never see half a message.
async fn store(dir: &Path, body: &[u8]) -> std::io::Result<String> {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let name = format!("{millis}-{}", uuid::Uuid::new_v4().simple());
    let tmp = dir.join(format!(".{name}.tmp"));
    tokio::fs::write(&tmp, body).await?;
    tokio::fs::rename(&tmp, dir.join(format!("{name}.eml"))).await?;
    Ok(name)
}
