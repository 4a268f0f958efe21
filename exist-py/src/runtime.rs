//! One tokio runtime for the process, made on first use. A forked child
//! (multiprocessing, gunicorn) has none of the parent's runtime threads, so
//! a call in another process than the one that made the runtime makes a new
//! one; the parent's is left alone (dropping it in the child would wait for
//! threads that do not exist there).

use std::future::Future;
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;

use crate::errors::ExistError;

static RUNTIME: Mutex<Option<(u32, Arc<tokio::runtime::Runtime>)>> = Mutex::new(None);

fn runtime() -> PyResult<Arc<tokio::runtime::Runtime>> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((owner, rt)) = slot.as_ref()
        && *owner == pid
    {
        return Ok(rt.clone());
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("exist")
        .enable_all()
        .build()
        .map_err(|e| ExistError::new_err(format!("cannot start the async runtime: {e}")))?;
    let rt = Arc::new(rt);
    if let Some((_, inherited)) = slot.replace((pid, rt.clone())) {
        // Another process's runtime: its threads are not in this one.
        std::mem::forget(inherited);
    }
    Ok(rt)
}

/// Runs `future` to completion with the GIL released.
pub fn block_on<F>(py: Python<'_>, future: F) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let rt = runtime()?;
    Ok(py.detach(move || rt.block_on(future)))
}
