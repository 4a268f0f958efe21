//! Finding indicators in free text: threat reports (Markdown, AsciiDoc, HTML,
//! plain text), tweets, MISP comments.
//!
//! The scanner is a single pass over bytes with a lookup table: text is cut into
//! chunks at white space and quoting characters, and only chunks holding a byte
//! that can belong to an indicator (`.`, `:`, `@`, a defang bracket, a long hex
//! run, `CVE`, `AS`) are looked at more closely. That keeps prose cheap, which is
//! what most of a report is, and is why extraction runs at hundreds of MB/s where
//! regex-per-kind extractors manage a fraction of one.
//!
//! Inside a chunk, URLs are found first (at `://`, after refanging) and cut where
//! wrapping markup ends them; what is left is split into words that are
//! classified with the same rules as [`Indicator::parse`] plus the context rules
//! only free text needs (a dotted number after `version` is not an address, a
//! name after `/` is a path segment or a detection name, not a host).

use std::collections::HashMap;

use serde::Serialize;

use crate::indicator::{
    Refanged, SCHEMES, canonical_asn, canonical_cve, canonical_domain, canonical_url, hash_kind,
    host_indicator, ip_indicator, is_cve_hyphen, is_email_local_part, is_oid_prefix,
    may_be_defanged, parse_ip, refang_range, utf8_len,
};
use crate::{Indicator, IndicatorKind};

/// An indicator found in text, with the byte span it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The indicator, canonical.
    pub indicator: Indicator,
    /// Byte offset where it starts in the text (defang markers included).
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
}

impl Serialize for Extracted {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let unicode = self.indicator.unicode();
        let mut s =
            serializer.serialize_struct("Extracted", if unicode.is_some() { 5 } else { 4 })?;
        s.serialize_field("kind", &self.indicator.kind())?;
        s.serialize_field("value", self.indicator.value())?;
        if let Some(u) = unicode {
            s.serialize_field("unicode", u)?;
        }
        s.serialize_field("start", &self.start)?;
        s.serialize_field("end", &self.end)?;
        s.end()
    }
}

/// Every indicator in `text`, defanged or not, deduplicated by canonical value,
/// in order of first appearance. A URL's host and an e-mail's domain are
/// reported too.
///
/// ```
/// use exist_core::{extract, IndicatorKind};
///
/// let found = extract("C2 at hxxp://evil[.]example/gate.php (see also 192.0.2[.]1).");
/// let values: Vec<_> = found.iter().map(|e| e.indicator.value()).collect();
/// assert_eq!(values, ["http://evil.example/gate.php", "evil.example", "192.0.2.1"]);
/// assert_eq!(found[2].indicator.kind(), IndicatorKind::Ipv4);
/// ```
pub fn extract(text: &str) -> Vec<Extracted> {
    let mut out = Collector::default();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Skip separators.
        let b = bytes[i];
        if b < 0x80 {
            if CLASS[b as usize] == SEP {
                i += 1;
                continue;
            }
        } else {
            let (sep, len) = separator_at(text, i);
            if sep {
                i += len;
                continue;
            }
        }
        let start = i;
        let mut interesting = false;
        loop {
            while i < bytes.len() {
                let b = bytes[i];
                if b < 0x80 {
                    let class = CLASS[b as usize];
                    if class == SEP {
                        break;
                    }
                    interesting |= class == MARK;
                    i += 1;
                } else {
                    let (sep, len) = separator_at(text, i);
                    if sep {
                        break;
                    }
                    i += len;
                }
            }
            // "evil dot com": join chunks across a spelled-out dot.
            if i + 5 < bytes.len()
                && bytes[i..i + 5].eq_ignore_ascii_case(b" dot ")
                && !separator_at(text, i + 5).0
            {
                i += 5;
                interesting = true;
                continue;
            }
            break;
        }
        if interesting || is_candidate_word(&bytes[start..i]) {
            scan_chunk(text, start, i, &mut out);
        }
    }
    out.found
}

const SEP: u8 = 0;
const WORD: u8 = 1;
const MARK: u8 = 2;

/// Class of each ASCII byte: separates chunks, can be inside one, or marks a
/// chunk worth a closer look.
static CLASS: [u8; 128] = {
    let mut t = [WORD; 128];
    let mut i = 0;
    while i < 0x20 {
        t[i] = SEP;
        i += 1;
    }
    t[0x7f] = SEP;
    let seps = b" \"'<>`|^,";
    let mut k = 0;
    while k < seps.len() {
        t[seps[k] as usize] = SEP;
        k += 1;
    }
    let marks = b".:@[({\\";
    let mut k = 0;
    while k < marks.len() {
        t[marks[k] as usize] = MARK;
        k += 1;
    }
    t
};

/// Whether a separator starts at `i`, and the length of the character there.
#[inline]
fn separator_at(text: &str, i: usize) -> (bool, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (CLASS[b as usize] == SEP, 1);
    }
    let len = utf8_len(b);
    // CJK ideographs and kana (U+3040..U+EFFF), most of any non-ASCII text,
    // are never separators: decide from the first two bytes.
    let second = text.as_bytes().get(i + 1).copied().unwrap_or(0);
    if (0xE4..=0xEE).contains(&b) || (b == 0xE3 && second >= 0x81) {
        return (false, len);
    }
    let c = text[i..].chars().next().unwrap_or(' ');
    let sep = c.is_whitespace()
        || matches!(
            c,
            '\u{200b}'..='\u{200d}'
                | '\u{feff}'
                | '\u{3001}'..='\u{3003}'
                | '\u{3008}'..='\u{3011}'
                | '\u{3014}'..='\u{301b}'
                | '\u{ff01}'
                | '\u{ff08}'
                | '\u{ff09}'
                | '\u{ff0c}'
                | '\u{ff1a}'
                | '\u{ff1b}'
                | '\u{ff1f}'
                | '\u{2018}'..='\u{201f}'
                | '\u{00ab}'
                | '\u{00bb}'
                | '\u{2039}'
                | '\u{203a}'
        );
    (sep, len)
}

/// A chunk without `.`, `:`, `@` or brackets can still be a hash, a CVE or an ASN.
fn is_candidate_word(w: &[u8]) -> bool {
    if w.len() >= 32 {
        return true;
    }
    let w = trim_wrappers(w);
    (w.len() >= 3 && w[..3].eq_ignore_ascii_case(b"cve"))
        || (w.len() >= 3 && w.starts_with(b"AS") && w[2].is_ascii_digit())
}

fn trim_wrappers(mut w: &[u8]) -> &[u8] {
    while let [
        b'(' | b'[' | b'{' | b'*' | b'_' | b'~' | b'+' | b'#',
        rest @ ..,
    ] = w
    {
        w = rest;
    }
    w
}

/// Deduplicates by (kind, value) without allocating for values already seen:
/// repeated indicators are the common case in reports.
#[derive(Default)]
struct Collector {
    /// Fingerprint → indexes into `found` with that fingerprint.
    seen: HashMap<u64, Vec<usize>>,
    found: Vec<Extracted>,
}

fn fingerprint(kind: IndicatorKind, value: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    kind.hash(&mut h);
    value.hash(&mut h);
    h.finish()
}

impl Collector {
    fn push(&mut self, indicator: Indicator, (start, end): (usize, usize)) {
        let fp = fingerprint(indicator.kind(), indicator.value());
        // Same fingerprint is confirmed against the values, so a hash
        // collision can never drop an indicator.
        let same = self.seen.entry(fp).or_default();
        if same.iter().any(|&i| self.found[i].indicator == indicator) {
            return;
        }
        same.push(self.found.len());
        self.found.push(Extracted {
            indicator,
            start,
            end,
        });
    }
}

fn scan_chunk(text: &str, start: usize, end: usize, out: &mut Collector) {
    let raw = &text.as_bytes()[start..end];
    let chunk = if may_be_defanged(raw)
        || end - start > 4 && raw.windows(5).any(|w| w.eq_ignore_ascii_case(b" dot "))
    {
        refang_range(text, start, end)
    } else {
        Refanged::identity(text, start, end)
    };
    let t: &str = &chunk.text;
    let mut covered: Vec<(usize, usize)> = Vec::new();
    static SCHEME_SEPARATOR: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"://"));
    for sep in SCHEME_SEPARATOR.find_iter(t.as_bytes()) {
        if covered.last().is_some_and(|&(_, e)| sep < e) {
            continue;
        }
        let scheme_start = t[..sep]
            .bytes()
            .rev()
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        let scheme_start = sep - scheme_start;
        let scheme = &t[scheme_start..sep];
        if !SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
            continue;
        }
        let url_end = url_end(t, sep + 3);
        if let Some(found) = emit_url(t, scheme_start, url_end, &chunk, out, None) {
            covered.push((scheme_start, found));
        }
    }
    // Words between (and around) the URLs.
    let mut pos = 0;
    for (s, e) in covered
        .iter()
        .copied()
        .chain(std::iter::once((t.len(), t.len())))
    {
        scan_words(t, pos, s, &chunk, text, out);
        pos = e;
    }
}

/// Where a URL starting before `from` ends: at wrapping markup or an unbalanced
/// closing bracket, then without trailing punctuation.
fn url_end(t: &str, from: usize) -> usize {
    let b = t.as_bytes();
    let mut depth_paren = 0usize;
    let mut in_v6 = false;
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'[' if i == from || b[i - 1] == b'@' => in_v6 = true,
            b']' if in_v6 => in_v6 = false,
            b'[' | b']' | b'{' | b'}' => break,
            // HTML-escaped markup (`href=&quot;…&quot;&gt;`) ends a URL; `&amp;`
            // is the escaped query separator and stays.
            b'&' if ["&quot;", "&gt;", "&lt;", "&#39;", "&apos;", "&#34;"]
                .iter()
                .any(|e| b[i..].starts_with(e.as_bytes())) =>
            {
                break;
            }
            b'(' => depth_paren += 1,
            b')' if depth_paren == 0 => break,
            b')' => depth_paren -= 1,
            _ => {}
        }
        i += 1;
    }
    trim_url_tail(t, from, i)
}

fn trim_url_tail(t: &str, from: usize, mut end: usize) -> usize {
    loop {
        let s = &t[from..end];
        if let Some(entity) = ["&gt;", "&lt;", "&quot;", "&#39;", "&apos;", "&amp;"]
            .iter()
            .find(|e| s.ends_with(*e))
        {
            end -= entity.len();
            continue;
        }
        match s.as_bytes().last() {
            Some(b'.' | b',' | b';' | b':' | b'!' | b'?' | b'*' | b'+' | b'\'' | b'"' | b'\\') => {
                end -= 1
            }
            _ => return end,
        }
    }
}

/// Emits the URL `t[start..end]` (with `scheme` prepended when it had none) and
/// its host; returns where it ended.
fn emit_url(
    t: &str,
    start: usize,
    end: usize,
    chunk: &Refanged<'_>,
    out: &mut Collector,
    scheme: Option<&str>,
) -> Option<usize> {
    let candidate = &t[start..end];
    let (parsed, shift) = match scheme {
        None => (canonical_url(candidate).ok()?, 0),
        Some(s) => (canonical_url(&format!("{s}{candidate}")).ok()?, s.len()),
    };
    let host = host_indicator(parsed.host.clone());
    let url = Indicator::from_canonical(IndicatorKind::Url, parsed.value, parsed.display);
    out.push(url, chunk.span(start, end));
    let Some(host) = host else { return Some(end) };
    let hr = (
        start + parsed.host_range.start - shift,
        start + parsed.host_range.end - shift,
    );
    out.push(host, chunk.span(hr.0, hr.1));
    Some(end)
}

/// The character at byte `i` of `t` and its length, without UTF-8 decoding
/// for ASCII (almost every byte of the text a chunk is made of).
fn char_at(t: &str, i: usize) -> (char, usize) {
    let b = t.as_bytes()[i];
    if b < 0x80 {
        return (b as char, 1);
    }
    let c = t[i..].chars().next().unwrap_or(' ');
    (c, c.len_utf8())
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'@' | b':' | b'/' | b'%' | b'+')
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        is_word_byte(c as u8)
    } else {
        c.is_alphanumeric() || is_cve_hyphen(c)
    }
}

/// Splits `t[from..to]` into words and classifies each.
fn scan_words(
    t: &str,
    from: usize,
    to: usize,
    chunk: &Refanged<'_>,
    text: &str,
    out: &mut Collector,
) {
    let mut i = from;
    while i < to {
        let (c, len) = char_at(t, i);
        if !is_word_char(c) {
            i += len;
            continue;
        }
        let ws = i;
        while i < to {
            let (c, len) = char_at(t, i);
            if !is_word_char(c) {
                break;
            }
            i += len;
        }
        // Trim punctuation that ends sentences or wraps words.
        let mut s = ws;
        let mut e = i;
        let tb = t.as_bytes();
        while s < e && matches!(tb[s], b'.' | b'-' | b'_' | b':' | b'/' | b'@' | b'+' | b'%') {
            s += 1;
        }
        while e > s
            && matches!(
                tb[e - 1],
                b'.' | b'-' | b'_' | b':' | b'/' | b'@' | b'+' | b'%'
            )
        {
            e -= 1;
        }
        if s < e {
            let before = if s > 0 { tb[s - 1] } else { b' ' };
            if let Some(url_end) = host_path_url(t, s, e, to, before, chunk, out) {
                i = i.max(url_end);
                continue;
            }
            classify_word(t, s, e, before, chunk, text, out);
        }
    }
}

/// `evil.com/gate.php?id=1` without a scheme: a URL when the part before the
/// first `/` is a host and the word is not itself a path segment.
fn host_path_url(
    t: &str,
    s: usize,
    e: usize,
    to: usize,
    before: u8,
    chunk: &Refanged<'_>,
    out: &mut Collector,
) -> Option<usize> {
    let slash = s + t[s..e].find('/')?;
    if matches!(before, b'/' | b'\\') {
        return None;
    }
    let host = &t[s..slash];
    let (h, _) = host
        .rsplit_once(':')
        .filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or((host, ""));
    let ok_host = match parse_ip(h) {
        Some(_) => {
            h.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && !t[slash + 1..e].bytes().all(|b| b.is_ascii_digit())
        }
        None => h.contains('.') && canonical_domain(h).is_ok(),
    };
    if !ok_host {
        return None;
    }
    let end = url_end(t, slash).min(to.max(e));
    emit_url(t, s, end, chunk, out, Some("http://"))
}

/// Words that precede version numbers, not addresses.
const VERSION_WORDS: &[&str] = &[
    "version", "ver", "ver.", "v", "v.", "build", "release", "firmware", "rev", "oid",
];

fn after_version_word(text: &str, orig_start: usize) -> bool {
    let head = &text.as_bytes()[orig_start.saturating_sub(12)..orig_start];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let head = head.trim_end();
    VERSION_WORDS.iter().any(|w| {
        head.ends_with(w) && {
            let cut = head.len() - w.len();
            cut == 0 || !head.as_bytes()[cut - 1].is_ascii_alphanumeric()
        }
    })
}

fn classify_word(
    t: &str,
    s: usize,
    e: usize,
    before: u8,
    chunk: &Refanged<'_>,
    text: &str,
    out: &mut Collector,
) {
    let w = &t[s..e];
    if let Some((addr, len)) = w.split_once('/') {
        // Only a CIDR; other slashed words are paths or detection names.
        if let (Some(_), true) = (
            parse_ip(addr),
            !len.is_empty() && len.bytes().all(|b| b.is_ascii_digit()),
        ) && let Ok(ind) = Indicator::parse(w)
        {
            out.push(ind, chunk.span(s, e));
        }
        return;
    }
    if let Some(at) = w.rfind('@') {
        let (local, domain) = (&w[..at], &w[at + 1..]);
        if is_email_local_part(local)
            && let Ok(d) = canonical_domain(domain)
        {
            let display = d
                .unicode
                .as_ref()
                .map(|u| format!("{}@{u}", local.to_lowercase()));
            let email = Indicator::from_canonical(
                IndicatorKind::Email,
                format!("{}@{}", local.to_lowercase(), d.ascii),
                display,
            );
            out.push(email, chunk.span(s, e));
            out.push(
                Indicator::from_canonical(IndicatorKind::Domain, d.ascii, d.unicode),
                chunk.span(s + at + 1, e),
            );
            return;
        }
        classify_word(t, s + at + 1, e, b'@', chunk, text, out);
        return;
    }
    if w.contains(':') {
        if w.bytes().filter(|&b| b == b':').count() >= 2
            && w.bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
            && let Some(ip) = parse_ip(w)
        {
            out.push(ip_indicator(ip), chunk.span(s, e));
            return;
        }
        let mut p = s;
        for part in w.split(':') {
            if !part.is_empty() {
                classify_word(
                    t,
                    p,
                    p + part.len(),
                    if p == s { before } else { b':' },
                    chunk,
                    text,
                    out,
                );
            }
            p += part.len() + 1;
        }
        return;
    }
    if let Some(kind) = hash_kind(w) {
        out.push(
            Indicator::from_canonical(kind, w.to_ascii_lowercase(), None),
            chunk.span(s, e),
        );
        return;
    }
    if let Some(cve) = canonical_cve(w) {
        out.push(
            Indicator::from_canonical(IndicatorKind::Cve, cve, None),
            chunk.span(s, e),
        );
        return;
    }
    if w.starts_with("AS") {
        if let Some(asn) = canonical_asn(w) {
            out.push(
                Indicator::from_canonical(IndicatorKind::Asn, asn, None),
                chunk.span(s, e),
            );
        }
        return;
    }
    if !w.contains('.') {
        return;
    }
    if matches!(before, b'/' | b'\\') {
        return; // a path segment or a detection name (Win32/Korplug.RU)
    }
    if w.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        // Dotted numbers: an address only with exactly four parts and no
        // version context; longer runs are OIDs or versions, never cut.
        if w.split('.').count() == 4 && !is_oid_prefix(w) {
            let (os, _) = chunk.span(s, e);
            if let Some(ip) = parse_ip(w).filter(|_| !after_version_word(text, os)) {
                out.push(ip_indicator(ip), chunk.span(s, e));
            }
        }
        return;
    }
    if !w.is_ascii() {
        // A host glued to CJK text ("詳細はevil.com"): the letters before the first
        // label or after the last one are prose, not part of an IDN.
        let core = w
            .trim_start_matches(|c: char| !c.is_ascii())
            .trim_end_matches(|c: char| !c.is_ascii());
        let edges_alnum = core
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
            && core
                .bytes()
                .last()
                .is_some_and(|b| b.is_ascii_alphanumeric());
        if core.len() < w.len() && core.is_ascii() && core.contains('.') && edges_alnum {
            let cs = s + w.find(core).unwrap_or(0);
            classify_word(t, cs, cs + core.len(), b' ', chunk, text, out);
            return;
        }
    }
    match canonical_domain(w) {
        Ok(d) => out.push(
            Indicator::from_canonical(IndicatorKind::Domain, d.ascii, d.unicode),
            chunk.span(s, e),
        ),
        Err(_) if !w.is_ascii() => {
            // Hosts glued to CJK text ("詳細はevil.comを参照"): try the ASCII runs.
            let mut p = s;
            for run in w.split(|c: char| !c.is_ascii()) {
                if !run.is_empty() && run.contains('.') {
                    let rs = p + run
                        .trim_start_matches(['.', '-', '_'])
                        .len()
                        .abs_diff(run.len());
                    let re = p + run.trim_end_matches(['.', '-', '_']).len();
                    if rs < re {
                        classify_word(t, rs, re, b' ', chunk, text, out);
                    }
                }
                p += run.len();
                if p < e {
                    p += t[p..].chars().next().map_or(1, char::len_utf8);
                }
            }
        }
        Err(_) => {}
    }
}

#[cfg(test)]
mod tests;
