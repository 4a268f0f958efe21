//! The proxy the screenshot browser must use: every connection it makes is
//! resolved and checked by the inspection's SSRF guard before it is opened.
//! HTTPS arrives as `CONNECT host:port` and is tunnelled; plain HTTP arrives
//! as an absolute-form request and is forwarded with `Connection: close`, so
//! each proxy connection carries exactly one request to one checked host.
//! A refused target gets a `403` with the reason.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::Guard;

/// Largest request head accepted.
const MAX_HEAD: usize = 64 * 1024;

/// A running proxy; stops when dropped.
pub(crate) struct GuardProxy {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for GuardProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl GuardProxy {
    pub async fn start(guard: Guard) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let guard = guard.clone();
                tokio::spawn(async move {
                    let _ = serve(client, &guard).await;
                });
            }
        });
        Ok(Self { addr, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

async fn refuse(client: &mut TcpStream, status: &str, why: &str) -> std::io::Result<()> {
    let body = format!("exist inspection proxy: {why}\n");
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    client.write_all(head.as_bytes()).await?;
    client.write_all(body.as_bytes()).await
}

async fn serve(mut client: TcpStream, guard: &Guard) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return refuse(
                &mut client,
                "431 Request Header Fields Too Large",
                "request head too large",
            )
            .await;
        }
        match client.read(&mut chunk).await? {
            0 => return Ok(()),
            n => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (method, target, version) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or("HTTP/1.1"),
    );
    if method.eq_ignore_ascii_case("CONNECT") {
        let Some((host, port)) = target.rsplit_once(':') else {
            return refuse(&mut client, "400 Bad Request", "CONNECT without a port").await;
        };
        let port: u16 = port.parse().unwrap_or(443);
        let addrs = match guard.resolve(host, port).await {
            Ok(a) => a,
            Err(why) => return refuse(&mut client, "403 Forbidden", &why).await,
        };
        let mut upstream = TcpStream::connect(&addrs[..]).await?;
        client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await?;
        let rest = &buf[head_end..];
        if !rest.is_empty() {
            upstream.write_all(rest).await?;
        }
        tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
        return Ok(());
    }
    let Ok(url) = reqwest::Url::parse(target) else {
        return refuse(&mut client, "400 Bad Request", "not an absolute URL").await;
    };
    if url.scheme() != "http" {
        return refuse(
            &mut client,
            "400 Bad Request",
            "only http is forwarded; https uses CONNECT",
        )
        .await;
    }
    let Some(host) = url.host_str() else {
        return refuse(&mut client, "400 Bad Request", "no host").await;
    };
    let port = url.port_or_known_default().unwrap_or(80);
    let addrs = match guard.resolve(host, port).await {
        Ok(a) => a,
        Err(why) => return refuse(&mut client, "403 Forbidden", &why).await,
    };
    let mut upstream = TcpStream::connect(&addrs[..]).await?;
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let mut out = format!("{method} {path} {version}\r\n");
    for line in lines.filter(|l| !l.is_empty()) {
        let name = line
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if matches!(
            name.as_str(),
            "connection" | "proxy-connection" | "keep-alive" | "proxy-authorization"
        ) {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    upstream.write_all(out.as_bytes()).await?;
    let rest = &buf[head_end..];
    if !rest.is_empty() {
        upstream.write_all(rest).await?;
    }
    let (mut cr, mut cw) = client.split();
    let (mut ur, mut uw) = upstream.split();
    let up = tokio::io::copy(&mut cr, &mut uw);
    let down = async {
        let r = tokio::io::copy(&mut ur, &mut cw).await;
        let _ = cw.shutdown().await;
        r
    };
    tokio::select! {
        r = down => { r?; }
        _ = up => {}
    }
    Ok(())
}
