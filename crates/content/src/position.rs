//! Turning byte offsets into the 1-based line and column an author sees in their editor.

use crate::Problem;

/// A problem's English message and the same in Bahasa Indonesia (its `pesan`).
pub(crate) type Texts = (String, String);

/// Characters are counted in blocks of this many bytes, so a column on a long line is found
/// without counting the whole line.
const BLOCK: usize = 64;

/// Byte offsets of one text to the 1-based line and column (in characters, so Indonesian text
/// with accents still lines up) an author sees, each in O(log n). Built once per file: counting
/// from the start of the file for every problem made checking a file quadratic in its size.
pub(crate) struct LineIndex<'t> {
    text: &'t str,
    /// Byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
    /// Number of characters before byte `BLOCK * k`, for every block boundary up to the end.
    chars: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut chars = Vec::with_capacity(bytes.len() / BLOCK + 2);
        let mut count = 0;
        for block in bytes.chunks(BLOCK) {
            chars.push(count);
            count += starts_char(block);
        }
        chars.push(count);
        LineIndex {
            text,
            starts,
            chars,
        }
    }

    /// The whole text.
    pub(crate) fn text(&self) -> &'t str {
        self.text
    }

    /// 1-based line and column of byte `offset`; an offset past the end or inside a character
    /// counts as the character boundary before it.
    pub(crate) fn line_col(&self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line.saturating_sub(1)];
        let column = self.chars_before(offset) - self.chars_before(start) + 1;
        (to_u32(line), to_u32(column))
    }

    fn chars_before(&self, offset: usize) -> usize {
        let k = offset / BLOCK;
        self.chars.get(k).copied().unwrap_or_default()
            + starts_char(&self.text.as_bytes()[k * BLOCK..offset])
    }
}

/// How many bytes of `bytes` start a character (are not UTF-8 continuation bytes).
fn starts_char(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A problem that concerns a whole file rather than one spot in it.
/// `message` is English, `pesan` the same in Bahasa Indonesia.
pub(crate) fn whole_file(
    file: &str,
    message: impl Into<String>,
    pesan: impl Into<String>,
) -> Problem {
    Problem {
        file: file.to_owned(),
        line: 1,
        column: 1,
        message: message.into(),
        pesan: pesan.into(),
    }
}

/// A problem at byte `offset` of the text of `lines`, the full contents of `file`.
/// `message` is English, `pesan` the same in Bahasa Indonesia.
pub(crate) fn at(
    file: &str,
    lines: &LineIndex<'_>,
    offset: usize,
    message: impl Into<String>,
    pesan: impl Into<String>,
) -> Problem {
    let (line, column) = lines.line_col(offset);
    Problem {
        file: file.to_owned(),
        line,
        column,
        message: message.into(),
        pesan: pesan.into(),
    }
}

/// Decodes a course file as UTF-8, or explains where the first bad byte is.
pub(crate) fn utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, Problem> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
        at(
            file,
            &LineIndex::new(good),
            good.len(),
            "this file is not saved as UTF-8 text; save it again with UTF-8 encoding",
            "berkas ini tidak disimpan sebagai teks UTF-8; simpan ulang dengan pengodean UTF-8",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    /// The obvious way, counting from the start of the text.
    fn slow(text: &str, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line as u32, column as u32)
    }

    #[test]
    fn agrees_with_counting_from_the_start() {
        let long = "é".repeat(100) + "x\n" + &"ab\n".repeat(40) + &"ñ".repeat(200) + "\n";
        for text in ["", "\n", "a", "a\nb", "\n\n\n", long.as_str()] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.line_col(offset),
                    slow(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }
}
