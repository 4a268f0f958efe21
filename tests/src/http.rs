//! A local HTTP/1.1 server for tests: serves canned responses per path and
//! records the requests it got, so source and driver tests never touch a real
//! host.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One canned response.
#[derive(Clone, Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Wait this long before answering (timeouts).
    pub delay: Duration,
    /// Announce this Content-Length instead of the body's (truncated bodies).
    pub content_length: Option<usize>,
}

impl Reply {
    /// A 200 with `body`.
    pub fn ok(body: impl Into<Vec<u8>>) -> Self {
        Self::status(200, body)
    }

    /// Status `status` with `body`.
    pub fn status(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
            content_length: None,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Answers after `delay`.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Announces `len` bytes but sends the body as it is.
    pub fn announcing(mut self, len: usize) -> Self {
        self.content_length = Some(len);
        self
    }
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Seen {
    /// Request method (`GET`, `POST`).
    pub method: String,
    /// Request path with query.
    pub path: String,
    /// Headers, names lowercase.
    pub headers: HashMap<String, String>,
}

type Routes = Arc<Mutex<HashMap<String, Vec<Reply>>>>;

/// A running test server; stops when dropped.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    routes: Routes,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    /// Starts a server on a free loopback port.
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1").await
    }

    /// Starts a server on a free port of `ip` (another loopback address, say).
    pub async fn start_on(ip: &str) -> Self {
        let listener = match TcpListener::bind((ip, 0)).await {
            Ok(l) => l,
            Err(e) => panic!("cannot bind a test port: {e}"),
        };
        let base = match listener.local_addr() {
            Ok(a) => format!("http://{a}"),
            Err(e) => panic!("no local address: {e}"),
        };
        let routes: Routes = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (r, s) = (routes.clone(), seen.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (r, s) = (r.clone(), s.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&buf).to_string();
                    let mut lines = head.split("\r\n");
                    let request_line = lines.next().unwrap_or("");
                    let mut parts = request_line.split(' ');
                    let method = parts.next().unwrap_or("").to_owned();
                    let path = parts.next().unwrap_or("/").to_owned();
                    let headers = lines
                        .filter_map(|l| l.split_once(':'))
                        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                        .collect();
                    let reply = {
                        let mut routes = r.lock().unwrap_or_else(|e| e.into_inner());
                        match routes.get_mut(&path) {
                            Some(q) if q.len() > 1 => q.remove(0),
                            Some(q) if q.len() == 1 => q[0].clone(),
                            _ => Reply::status(404, "not found"),
                        }
                    };
                    s.lock().unwrap_or_else(|e| e.into_inner()).push(Seen {
                        method,
                        path,
                        headers,
                    });
                    tokio::time::sleep(reply.delay).await;
                    let mut out = format!(
                        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                        reply.status,
                        reply.content_length.unwrap_or(reply.body.len())
                    );
                    for (k, v) in &reply.headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str("\r\n");
                    let _ = stream.write_all(out.as_bytes()).await;
                    let _ = stream.write_all(&reply.body).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Self {
            base,
            routes,
            seen,
            task,
        }
    }

    /// Serves `replies` at `path`, one per request; the last one repeats.
    pub fn route(&self, path: &str, replies: Vec<Reply>) {
        self.routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_owned(), replies);
    }

    /// The URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Requests received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
