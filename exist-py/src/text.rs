//! Indicators in text: `extract` and `normalize`, no store needed.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::{errors, to_py};

/// The indicators in `text`, in order of first appearance, each a dict with
/// `kind`, `value` (canonical: refanged, lowercased host, …) and `start` /
/// `end`, the span of its first appearance as Python string indices
/// (`text[start:end]`).
#[pyfunction]
pub fn extract<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyList>> {
    let found = py.detach(|| exist_core::extract(text));
    // The library's spans are byte offsets; Python indexes code points.
    let mut spans: Vec<usize> = found.iter().flat_map(|e| [e.start, e.end]).collect();
    spans.sort_unstable();
    spans.dedup();
    let mut chars_at = std::collections::HashMap::with_capacity(spans.len());
    let (mut byte, mut chars) = (0usize, 0usize);
    for offset in spans {
        chars += text.get(byte..offset).map_or(0, |s| s.chars().count());
        byte = offset;
        chars_at.insert(offset, chars);
    }
    let out = PyList::empty(py);
    for e in found {
        let item = PyDict::new(py);
        item.set_item("kind", e.indicator.kind().as_str())?;
        item.set_item("value", e.indicator.value())?;
        item.set_item("start", chars_at.get(&e.start).copied().unwrap_or(0))?;
        item.set_item("end", chars_at.get(&e.end).copied().unwrap_or(0))?;
        out.append(item)?;
    }
    Ok(out)
}

/// `value` in canonical form: a dict with `kind` and `value` (and `display`,
/// the Unicode form of an internationalized domain). Raises
/// `InvalidIndicator` for what is no indicator (`invoice.pdf`).
#[pyfunction]
pub fn normalize<'py>(py: Python<'py>, value: &str) -> PyResult<Bound<'py, PyAny>> {
    let indicator = exist_core::Indicator::parse(value).map_err(errors::indicator)?;
    to_py(py, &indicator)
}
