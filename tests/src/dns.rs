//! A DNS server for tests: a UDP responder on a loopback port whose answers
//! come from a closure, so enricher tests exercise the resolver's real wire
//! path without any real nameserver.

use std::sync::{Arc, Mutex};

use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::Record;
pub use hickory_proto::rr::{Name, RData, RecordType};
use tokio::net::UdpSocket;

/// What the server answers for one question: records, or `None` for NXDOMAIN.
pub type Answer = dyn Fn(&str, RecordType) -> Option<Vec<RData>> + Send + Sync;

/// A running DNS server; stops when dropped.
pub struct DnsServer {
    /// `127.0.0.1:PORT`
    pub addr: String,
    queries: Arc<Mutex<usize>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl DnsServer {
    /// Starts a server answering with `answer` (given the lowercase name with
    /// its trailing dot, and the query type).
    pub async fn start(answer: Arc<Answer>) -> Self {
        let socket = match UdpSocket::bind("127.0.0.1:0").await {
            Ok(s) => s,
            Err(e) => panic!("cannot bind a DNS test port: {e}"),
        };
        let addr = match socket.local_addr() {
            Ok(a) => a.to_string(),
            Err(e) => panic!("no local address: {e}"),
        };
        let queries = Arc::new(Mutex::new(0usize));
        let counter = queries.clone();
        let task = tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
                let Ok(query) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                *counter.lock().unwrap_or_else(|e| e.into_inner()) += 1;
                let mut reply =
                    Message::new(query.metadata.id, MessageType::Response, OpCode::Query);
                reply.metadata.recursion_desired = query.metadata.recursion_desired;
                reply.metadata.recursion_available = true;
                reply.metadata.authoritative = true;
                for q in &query.queries {
                    reply.add_query(q.clone());
                    let mut name = q.name().to_ascii().to_ascii_lowercase();
                    if !name.ends_with('.') {
                        name.push('.');
                    }
                    match answer(&name, q.query_type()) {
                        None => reply.metadata.response_code = ResponseCode::NXDomain,
                        Some(records) => {
                            for data in records {
                                reply.add_answer(Record::from_rdata(q.name().clone(), 300, data));
                            }
                        }
                    }
                }
                if let Ok(bytes) = reply.to_vec() {
                    let _ = socket.send_to(&bytes, peer).await;
                }
            }
        });
        Self {
            addr,
            queries,
            task,
        }
    }

    /// Questions answered so far.
    pub fn queries(&self) -> usize {
        *self.queries.lock().unwrap_or_else(|e| e.into_inner())
    }
}
