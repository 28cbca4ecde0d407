//! Text a person typed into a field: the rules every stored name, title and reason meets.

/// A one-line text (a name, a title, a document number): `min` to `max` characters once
/// trimmed, and no control characters (a NUL or an escape sequence is never a name).
pub fn is_line(value: &str, min: usize, max: usize) -> bool {
    let value = value.trim();
    (min..=max).contains(&value.chars().count()) && !value.chars().any(char::is_control)
}

/// Text of several lines (a reason, a comment): as [`is_line`], with line breaks and tabs.
pub fn is_paragraphs(value: &str, min: usize, max: usize) -> bool {
    let value = value.trim();
    (min..=max).contains(&value.chars().count())
        && !value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Sanitised HTML to plain text, whitespace collapsed: for `<option>` labels (which hold
/// no markup) and spreadsheets.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let text = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::{is_line, is_paragraphs};

    #[test]
    fn control_characters_are_not_text() {
        assert!(is_line("  Dinas Kominfo  ", 1, 200));
        assert!(!is_line("   ", 1, 200));
        assert!(!is_line("Dinas\u{0}", 1, 200));
        assert!(!is_line("Dinas\u{1b}[31m", 1, 200));
        assert!(!is_line("dua\nbaris", 1, 200));
        assert!(!is_line(&"x".repeat(201), 1, 200));
        assert!(is_line(&"é".repeat(200), 1, 200));
        assert!(is_paragraphs(
            "Sertifikat terbit\nkarena salah data.",
            5,
            500
        ));
        assert!(!is_paragraphs("salah\u{7f}", 1, 500));
    }
}
