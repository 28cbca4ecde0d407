//! Turning byte offsets into the 1-based line and column an author sees in their editor.

use crate::Problem;

/// A problem's English message and the same in Bahasa Indonesia (its `pesan`).
pub(crate) type Texts = (String, String);

/// 1-based line and column (in characters, so Indonesian text with accents still lines up) of `offset`.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (to_u32(line), to_u32(column))
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

/// A problem at byte `offset` of `text`, the full contents of `file`.
/// `message` is English, `pesan` the same in Bahasa Indonesia.
pub(crate) fn at(
    file: &str,
    text: &str,
    offset: usize,
    message: impl Into<String>,
    pesan: impl Into<String>,
) -> Problem {
    let (line, column) = line_col(text, offset);
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
            good,
            good.len(),
            "this file is not saved as UTF-8 text; save it again with UTF-8 encoding",
            "berkas ini tidak disimpan sebagai teks UTF-8; simpan ulang dengan pengodean UTF-8",
        )
    })
}
