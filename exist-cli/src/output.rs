//! Rendering for people: aligned text tables and dates, and JSON for programs.

use std::io::Write;

use chrono::{DateTime, Utc};

/// Prints rows as left-aligned columns under a header.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let mut out = std::io::stdout().lock();
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        s.trim_end().to_owned()
    };
    let _ = writeln!(
        out,
        "{}",
        line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>())
    );
    for row in rows {
        let _ = writeln!(out, "{}", line(row));
    }
}

/// A timestamp as people read it.
pub fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Prints a value as pretty JSON.
pub fn json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// A byte count as people read it.
pub fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / f64::from(1u32 << 30)),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / f64::from(1u32 << 20)),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// An interval in seconds as `30m`, `6h`, `1d`.
pub fn interval(secs: u64) -> String {
    match secs {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// A JSON value as indented `key: value` lines, for people; nulls and empty
/// lists are left out, long lists cut at 20 items.
pub fn yaml_like(value: &serde_json::Value, depth: usize) {
    use serde_json::Value;
    let pad = "  ".repeat(depth);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::Null => {}
                    Value::Array(a) if a.is_empty() => {}
                    Value::Object(_) | Value::Array(_) if !is_flat(v) => {
                        println!("{pad}{k}:");
                        yaml_like(v, depth + 1);
                    }
                    _ => println!("{pad}{k}: {}", scalar(v)),
                }
            }
        }
        Value::Array(items) => {
            for item in items.iter().take(20) {
                match item {
                    Value::Object(_) => {
                        let line: Vec<String> = item
                            .as_object()
                            .into_iter()
                            .flatten()
                            .filter(|(_, v)| !v.is_null())
                            .map(|(k, v)| format!("{k}={}", scalar(v)))
                            .collect();
                        println!("{pad}- {}", line.join("  "));
                    }
                    other => println!("{pad}- {}", scalar(other)),
                }
            }
            if items.len() > 20 {
                println!("{pad}… {} more", items.len() - 20);
            }
        }
        other => println!("{pad}{}", scalar(other)),
    }
}

fn is_flat(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Array(a) => a.iter().all(|x| !x.is_object() && !x.is_array()),
        _ => false,
    }
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(scalar).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}
