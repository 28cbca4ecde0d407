//! Raw HTML images from other sites never reach a learner's page.

#[test]
fn raw_html_images_from_other_sites_lose_their_source() {
    let html = lentera_content::render_markdown(
        "<img src=\"https://tracker.example/pixel.png\" alt=\"x\">",
    );
    assert!(!html.contains("tracker.example"), "{html}");
    let own =
        lentera_content::render_markdown("<img src=\"/kursus/k/aset/peta.svg\" alt=\"peta\">");
    assert!(own.contains("src=\"/kursus/k/aset/peta.svg\""), "{own}");
}
