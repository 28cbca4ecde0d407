//! Snapshots of `render_markdown` on ordinary and hostile Markdown. Every hostile case also
//! asserts directly that nothing dangerous survived, so an allowlist regression fails even
//! if someone accepts a bad snapshot.
//!
//! Regenerate after an intended change with
//! `INSTA_UPDATE=always cargo test -p lentera-content --test render_snapshots`
//! and read every changed file in tests/snapshots/ before committing it.

use lentera_content::render_markdown;

/// Renders `md` and asserts that none of the markers of active content is left.
fn render_safe(md: &str) -> String {
    let html = render_markdown(md);
    let lower = html.to_ascii_lowercase();
    for needle in [
        "<script",
        "</script",
        "javascript:",
        "data:",
        "<iframe",
        "<svg",
        "<style",
        "style=",
        "onerror",
        "onload",
        "onclick",
    ] {
        assert!(
            !lower.contains(needle),
            "{needle:?} survived sanitising:\n{html}"
        );
    }
    html
}

#[test]
fn headings_and_lists() {
    let md = "# Judul\n\n## Subjudul\n\nParagraf dengan **tebal**, *miring* dan ~~coret~~.\n\n\
              - satu\n- dua\n  - dua a\n\n1. pertama\n2. kedua\n";
    insta::assert_snapshot!(render_safe(md));
}

#[test]
fn table() {
    let md = "| Nilai | Makna |\n|---|:---:|\n| Akuntabel | Bertanggung jawab |\n| Kompeten | Terus belajar |\n";
    let html = render_safe(md);
    assert!(html.contains("<table>") && html.contains("<th"));
    // A box that scrolls a wide table and that the keyboard reaches, without a script.
    assert!(html.starts_with(
        "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Tabel 1\"><table>"
    ));
    assert!(html.trim_end().ends_with("</table></div>"));
    insta::assert_snapshot!(html);
}

/// Each outermost table gets its own numbered box; a table inside a table's cell, a `<table>`
/// in an attribute or in text, and a box an author writes get none.
#[test]
fn tables_get_a_box_each() {
    let md = "| a |\n|---|\n| 1 |\n\nTeks `<table>` dan [tautan](https://contoh.id \"<table>\").\n\n\
              <table><tr><td><table><tr><td>dalam</td></tr></table></td></tr></table>\n\n\
              <div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"x\">isi</div>\n";
    let html = render_safe(md);
    assert_eq!(html.matches("<table>").count(), 3, "{html}");
    assert_eq!(html.matches("class=\"table-scroll\"").count(), 2, "{html}");
    assert!(
        html.contains("aria-label=\"Tabel 1\"><table>")
            && html.contains("aria-label=\"Tabel 2\"><table>"),
        "{html}"
    );
    assert!(
        !html.contains("Tabel 3") && !html.contains("aria-label=\"x\""),
        "{html}"
    );
    assert!(html.contains("title=\"<table>\"") || html.contains("title=\"&lt;table&gt;\""));
    // Boxing is done once: HTML that has its boxes is left as it is.
    assert_eq!(lentera_content::wrap_tables(&html), html);
    // Lessons stored before the boxes existed get them.
    let old = "<p>a</p><table><tbody><tr><td>1</td></tr></tbody></table>";
    assert_eq!(
        lentera_content::wrap_tables(old),
        "<p>a</p><div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Tabel 1\"><table><tbody><tr><td>1</td></tr></tbody></table></div>"
    );
}

#[test]
fn callouts() {
    let md = "> [!INFO]\n> Informasi tambahan.\n\n\
              > [!PERINGATAN]\n> Periksa teks resmi.\n\n\
              > [!tips]\n>\n> Huruf kecil juga dikenali.\n\n\
              > Kutipan biasa tetap blockquote.\n";
    let html = render_safe(md);
    for kind in ["info", "peringatan", "tips"] {
        assert!(html.contains(&format!("class=\"callout callout-{kind}\"")));
    }
    assert!(html.contains("<blockquote>"));
    insta::assert_snapshot!(html);
}

#[test]
fn external_link() {
    let html =
        render_safe("Lihat [JDIH BPK](https://peraturan.bpk.go.id/ \"Basis data peraturan\").");
    assert!(html.contains("href=\"https://peraturan.bpk.go.id/\""));
    assert!(html.contains("rel=\"noopener noreferrer\""));
    insta::assert_snapshot!(html);
}

#[test]
fn youtube_link_stays_a_link() {
    let html = render_safe(
        "Video: <https://www.youtube.com/watch?v=dQw4w9WgXcQ>\n\n[Tonton](https://youtu.be/dQw4w9WgXcQ)\n",
    );
    assert!(html.contains("<a href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\""));
    assert!(!html.contains("<iframe") && !html.contains("<video") && !html.contains("<embed"));
    insta::assert_snapshot!(html);
}

#[test]
fn script_element() {
    let html =
        render_safe("Sebelum\n\n<script>alert(1)</script>\n\nSesudah <script>alert(2)</script>\n");
    assert!(!html.contains("alert("), "script body survived:\n{html}");
    insta::assert_snapshot!(html);
}

#[test]
fn img_onerror() {
    let html = render_safe("<img src=x onerror=alert(1)>\n\nTeks <img src=x onerror=alert(2)>\n");
    assert!(!html.contains("alert("), "handler survived:\n{html}");
    insta::assert_snapshot!(html);
}

#[test]
fn javascript_link() {
    let html = render_safe(
        "[x](javascript:alert(1)) [y](JaVaScRiPt:alert(2)) [z](  javascript:alert(3)) <a href=\"javascript:alert(4)\">w</a>\n",
    );
    assert!(
        !html.contains("alert("),
        "javascript: URL survived:\n{html}"
    );
    insta::assert_snapshot!(html);
}

#[test]
fn iframe() {
    let html = render_safe(
        "<iframe src=\"https://evil\"></iframe>\n\nTeks <iframe src=\"https://evil\"></iframe>\n",
    );
    assert!(!html.contains("evil"), "iframe source survived:\n{html}");
    insta::assert_snapshot!(html);
}

#[test]
fn data_url_link() {
    let html = render_safe(
        "[x](data:text/html;base64,PHNjcmlwdD4=)\n\n![y](data:image/svg+xml;base64,PHNjcmlwdD4=)\n",
    );
    assert!(!html.contains("PHNjcmlwdD4"), "data: URL survived:\n{html}");
    insta::assert_snapshot!(html);
}

#[test]
fn inline_svg_onload() {
    let html = render_safe(
        "Teks <svg onload=alert(1)> lagi\n\n<svg onload=alert(2)><circle r=\"5\"/></svg>\n",
    );
    assert!(!html.contains("alert("), "svg handler survived:\n{html}");
    insta::assert_snapshot!(html);
}

#[test]
fn style_attribute() {
    let html = render_safe(
        "<a href=\"#\" style=\"color:red\">merah</a> dan <p style=\"display:none\" class=\"x\">tersembunyi</p>\n",
    );
    assert!(!html.contains("color:red") && !html.contains("display:none"));
    insta::assert_snapshot!(html);
}
