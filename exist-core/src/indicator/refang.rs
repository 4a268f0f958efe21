//! Refanging: undoing the ways analysts "defang" indicators so nobody clicks them.
//!
//! The replacements keep a map from every output byte to the input byte it came
//! from, because [`crate::extract`] must report spans in the caller's text, not in
//! the refanged copy.

use std::borrow::Cow;

/// A refanged string and, for each of its bytes, the offset of the input byte it
/// came from. Text that needs no refanging is borrowed, with no offset table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Refanged<'a> {
    pub text: Cow<'a, str>,
    /// Empty when `text` is the input itself from `base` on.
    origin: Vec<usize>,
    base: usize,
    /// Where the refanged range ends in the input.
    range_end: usize,
}

impl<'a> Refanged<'a> {
    /// `input[start..end]` as it is.
    pub fn identity(input: &'a str, start: usize, end: usize) -> Self {
        Self {
            text: Cow::Borrowed(&input[start..end]),
            origin: Vec::new(),
            base: start,
            range_end: end,
        }
    }

    /// Offsets in the original input of the output byte range `start..end`: from
    /// the origin of its first byte to the origin of the byte after it.
    pub fn span(&self, start: usize, end: usize) -> (usize, usize) {
        if self.origin.is_empty() {
            return (self.base + start, self.base + end);
        }
        let e = self.origin.get(end).copied().unwrap_or(self.range_end);
        (self.origin[start], e)
    }
}

/// Bracketed and escaped forms, matched case-insensitively, longest first.
const MARKERS: &[(&str, &str)] = &[
    ("[://]", "://"),
    ("[dot]", "."),
    ("(dot)", "."),
    ("{dot}", "."),
    ("[at]", "@"),
    ("(at)", "@"),
    ("{at}", "@"),
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[:]", ":"),
    ("[/]", "/"),
    ("[@]", "@"),
    ("\\.", "."),
];

/// Defanged schemes; only replaced when a scheme separator follows.
const SCHEMES: &[(&str, &str)] = &[
    ("hxxps", "https"),
    ("hxxp", "http"),
    ("hxtps", "https"),
    ("hxtp", "http"),
    ("fxps", "ftps"),
    ("fxp", "ftp"),
];

/// True when `s` contains something [`refang`] would change: one of the
/// bracketed or escaped markers, or a defanged scheme. Cheap, and exact, so a
/// plain `(` or `{` in prose or JSON does not cost a copy of the chunk.
pub(crate) fn may_be_defanged(s: &[u8]) -> bool {
    s.iter().enumerate().any(|(i, b)| match b {
        b'[' | b'(' | b'{' | b'\\' => MARKERS.iter().any(|(m, _)| starts_with_ci(&s[i..], m)),
        b'p' | b'P' if i >= 2 => {
            let w = &s[i - 2..i];
            w.eq_ignore_ascii_case(b"xx")
                || w.eq_ignore_ascii_case(b"xt")
                || w.eq_ignore_ascii_case(b"fx")
        }
        _ => false,
    })
}

fn starts_with_ci(hay: &[u8], needle: &str) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle.as_bytes())
}

fn scheme_separator_follows(rest: &[u8]) -> bool {
    starts_with_ci(rest, "://") || starts_with_ci(rest, "[://]") || starts_with_ci(rest, "[:]//")
}

/// Refangs `input[start..end]`, recording offsets relative to `input`.
pub(crate) fn refang_range(input: &str, start: usize, end: usize) -> Refanged<'static> {
    let bytes = input.as_bytes();
    let mut text = String::with_capacity(end - start);
    let mut out = Refanged {
        text: Cow::Borrowed(""),
        origin: Vec::with_capacity(end - start),
        base: start,
        range_end: end,
    };
    let mut i = start;
    'outer: while i < end {
        let rest = &bytes[i..end];
        match bytes[i] {
            b'[' | b'(' | b'{' | b'\\' => {
                for (marker, with) in MARKERS {
                    if starts_with_ci(rest, marker) {
                        for b in with.bytes() {
                            text.push(b as char);
                            out.origin.push(i);
                        }
                        i += marker.len();
                        continue 'outer;
                    }
                }
            }
            b' ' if starts_with_ci(rest, " dot ") => {
                text.push('.');
                out.origin.push(i);
                i += 5;
                continue 'outer;
            }
            b'h' | b'H' | b'f' | b'F' => {
                // Only at a word start, so "sixfxp://" is not touched mid-word.
                let at_word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
                if at_word_start {
                    for (scheme, with) in SCHEMES {
                        if starts_with_ci(rest, scheme)
                            && scheme_separator_follows(&rest[scheme.len()..])
                        {
                            for (k, b) in with.bytes().enumerate() {
                                text.push(b as char);
                                out.origin.push(i + k.min(scheme.len() - 1));
                            }
                            i += scheme.len();
                            continue 'outer;
                        }
                    }
                }
            }
            _ => {}
        }
        // Copy one whole character.
        let ch_len = utf8_len(bytes[i]);
        let stop = (i + ch_len).min(end);
        text.push_str(&input[i..stop]);
        out.origin.extend(i..stop);
        i = stop;
    }
    if out.origin.is_empty() {
        // An empty origin table means "identity"; keep it meaningful for empty text.
        out.origin.push(end);
    }
    out.text = Cow::Owned(text);
    out
}

pub(crate) fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// Refangs a whole value (no span tracking needed), including the spelled-out
/// ` dot ` form that only makes sense for a standalone value.
pub(crate) fn refang(input: &str) -> String {
    let mut s = refang_range(input, 0, input.len()).text.into_owned();
    for needle in [" dot ", " DOT ", " Dot "] {
        if s.contains(needle) {
            s = s.replace(needle, ".");
        }
    }
    for needle in [" at ", " AT "] {
        if s.contains(needle) && !s.contains("://") {
            s = s.replace(needle, "@");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refangs_every_documented_form() {
        let cases = [
            ("hxxp://evil[.]com", "http://evil.com"),
            ("hXXps://evil(.)com", "https://evil.com"),
            ("fxp://files{.}example[.]org", "ftp://files.example.org"),
            ("evil[dot]com", "evil.com"),
            ("evil dot com", "evil.com"),
            ("http[:]//evil.com", "http://evil.com"),
            ("http[://]evil.com[/]a", "http://evil.com/a"),
            ("user[@]evil.com", "user@evil.com"),
            ("user[at]evil.com", "user@evil.com"),
            ("evil\\.com", "evil.com"),
            ("1.2.3[.]4", "1.2.3.4"),
        ];
        for (input, want) in cases {
            assert_eq!(refang(input), want, "{input}");
        }
    }

    #[test]
    fn origin_points_into_the_input() {
        let input = "x hxxp://a[.]b";
        let r = refang_range(input, 2, input.len());
        assert_eq!(r.text, "http://a.b");
        let dot = r.text.find('.').expect("dot");
        assert_eq!(&input[r.origin[dot]..r.origin[dot] + 3], "[.]");
        assert_eq!(r.span(0, r.text.len()), (2, input.len()));
        assert_eq!(
            r.span(8, 9),
            (10, 13),
            "the refanged dot spans the whole marker"
        );
    }

    #[test]
    fn words_that_merely_contain_hxxp_are_untouched() {
        assert_eq!(refang("fxpress"), "fxpress");
        assert_eq!(refang("hxxpfoo"), "hxxpfoo");
    }
}
