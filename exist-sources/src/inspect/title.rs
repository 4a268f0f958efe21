//! The `<title>` of an HTML page, from its first bytes: found without a full
//! HTML parser (the page is hostile and may be broken), entities for the
//! common characters decoded, white space collapsed, length capped.

/// How much of the body is searched.
pub(crate) const HEAD_BYTES: usize = 256 * 1024;

/// The title in `head`, if there is a non-empty one.
pub(crate) fn of(head: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(head);
    let lower = text.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let raw = &text[start..end];
    let decoded = raw
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let collapsed: String = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    let capped: String = collapsed.chars().take(300).collect();
    (!capped.is_empty()).then_some(capped)
}

#[cfg(test)]
mod tests {
    use super::of;

    #[test]
    fn titles_of_real_and_hostile_pages() {
        assert_eq!(
            of(b"<html><head><TITLE>\n  Sign in &amp; verify\n</TITLE>").as_deref(),
            Some("Sign in & verify")
        );
        assert_eq!(of(b"<title lang=en>x</title>").as_deref(), Some("x"));
        assert_eq!(of(b"<title></title>"), None);
        assert_eq!(of(b"<title>never closed"), None);
        assert_eq!(of(b"no html"), None);
        assert_eq!(
            of("<title>ログイン</title>".as_bytes()).as_deref(),
            Some("ログイン")
        );
    }
}
