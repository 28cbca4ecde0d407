//! Byte offsets to the 1-based line and column (in characters) an author sees, in time that
//! does not depend on where the offset is. A parser may report thousands of problems; counting
//! from the start of the file for each one made checking a file quadratic in its size.

/// Characters are counted in blocks of this many bytes, so a column on a long line is found
/// without counting the whole line.
const BLOCK: usize = 64;

pub(crate) struct LineIndex<'s> {
    src: &'s str,
    /// Byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
    /// Number of characters before byte `BLOCK * k`, for every block boundary up to the end.
    chars: Vec<usize>,
}

impl<'s> LineIndex<'s> {
    pub(crate) fn new(src: &'s str) -> Self {
        let bytes = src.as_bytes();
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
        LineIndex { src, starts, chars }
    }

    /// 1-based line and column (counted in characters) of byte `offset`; an offset past the end
    /// or inside a character counts as the character boundary before it.
    pub(crate) fn line_col(&self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.src.len());
        while !self.src.is_char_boundary(offset) {
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
            + starts_char(&self.src.as_bytes()[k * BLOCK..offset])
    }
}

/// How many bytes of `bytes` start a character (are not UTF-8 continuation bytes).
fn starts_char(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    /// The obvious way, counting from the start of the file.
    fn slow(src: &str, offset: usize) -> (u32, u32) {
        let mut end = offset.min(src.len());
        while !src.is_char_boundary(end) {
            end -= 1;
        }
        let before = &src[..end];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line as u32, column as u32)
    }

    #[test]
    fn agrees_with_counting_from_the_start() {
        let long = "é".repeat(100) + "x\n" + &"ab\n".repeat(40) + &"ñ".repeat(200) + "\n";
        for src in ["", "\n", "a", "a\nb", "\n\n\n", long.as_str()] {
            let index = LineIndex::new(src);
            for offset in 0..=src.len() + 2 {
                assert_eq!(
                    index.line_col(offset),
                    slow(src, offset),
                    "{src:?} at {offset}"
                );
            }
        }
    }
}
