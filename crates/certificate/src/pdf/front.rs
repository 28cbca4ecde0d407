//! The first page: the certificate itself, A4 landscape, with the instansi at the top,
//! the holder and the training in the middle, and at the bottom the date, the
//! signatory and the QR code.

use std::num::NonZeroU16;

use krilla::color::luma;
use krilla::geom::{PathBuilder, Rect};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, BBox, ContentTag, Node, Tag, TagGroup};
use qrcode::{Color, QrCode};

use super::text::{ASCENT, Align, Block, DESCENT, Face, Fonts, Role, fit};
use super::{PdfCertificate, PdfExtras, tanggal_indonesia};

/// A4 landscape, in points.
pub(super) const PAGE_WIDTH: f32 = 842.0;
pub(super) const PAGE_HEIGHT: f32 = 595.0;

/// The two border lines, inset from the page edge.
const OUTER_BORDER: f32 = 16.0;
pub(super) const INNER_BORDER: f32 = 22.0;

/// Centred text stays between these x coordinates.
const TEXT_LEFT: f32 = 80.0;
const TEXT_RIGHT: f32 = PAGE_WIDTH - 80.0;

/// The QR code, quiet zone included: 96 pt is 33.9 mm, bottom right inside the border.
pub(super) const QR_SIZE: f32 = 96.0;
const _: () = assert!(
    QR_SIZE / 72.0 * 25.4 >= 30.0,
    "the QR code must be at least 30 mm wide"
);
pub(super) const QR_LEFT: f32 = PAGE_WIDTH - INNER_BORDER - 14.0 - QR_SIZE;
pub(super) const QR_TOP: f32 = 446.0;
/// The quiet zone QR readers need around the symbol, in modules (ISO/IEC 18004: 4).
pub(super) const QUIET_ZONE: usize = 4;

/// The signatory's column, between the notes on the left and the QR code.
pub(super) const SIGNATURE_LEFT: f32 = 400.0;
pub(super) const SIGNATURE_RIGHT: f32 = QR_LEFT - 18.0;
/// Where the signatory's name sits; the space above it is left for the signature and
/// the stamp.
const SIGNATURE_NAME: f32 = 516.0;
const SIGNATURE_SPACE: f32 = 48.0;

/// The left column at the bottom: when, through which instance, how to check.
const NOTES_LEFT: f32 = INNER_BORDER + 30.0;

/// How much the gaps between the centred lines may be tightened, in turn, until the
/// whole text fits above the bottom row.
const GAP_FACTORS: [f32; 8] = [1.0, 0.92, 0.85, 0.78, 0.7, 0.62, 0.55, 0.5];

/// One centred line or paragraph of the upper part, before it is placed.
struct Centred<'a> {
    face: &'a Face,
    size: f32,
    lines: Vec<String>,
    /// From the previous baseline to this block's first, before tightening.
    gap: f32,
    line_height: f32,
    role: Role,
}

impl<'a> Centred<'a> {
    fn new(
        face: &'a Face,
        text: &str,
        (largest, smallest): (f32, f32),
        max_lines: usize,
        gap: f32,
        line_height: f32,
    ) -> Centred<'a> {
        let (size, lines) = fit(
            face,
            text,
            largest,
            smallest,
            TEXT_RIGHT - TEXT_LEFT,
            max_lines,
        );
        Centred {
            face,
            size,
            lines,
            gap,
            line_height,
            role: Role::Text,
        }
    }

    fn role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }
}

/// Places the centred blocks from the top, with the gaps scaled by `factor` but never
/// so tight that one line's descenders touch the next line's ascenders.
fn stack<'a>(centred: &[Centred<'a>], factor: f32) -> Vec<Block<'a>> {
    let mut y = 44.0;
    let mut descent: f32 = 0.0;
    let mut blocks = Vec::with_capacity(centred.len());
    for c in centred {
        let touching = descent + ASCENT * c.size + 2.0;
        y += (c.gap * factor).max(touching);
        let block = Block::new(
            c.face,
            (c.size, c.lines.clone()),
            Align::Center,
            PAGE_WIDTH / 2.0,
            y,
            c.line_height,
        )
        .with_role(c.role);
        y = block.last_baseline();
        descent = DESCENT * c.size;
        blocks.push(block);
    }
    blocks
}

/// Stacks the centred blocks from the top and places the fixed ones at the bottom.
/// Pure, so the tests can check that the worst case stays clear of the QR code.
pub(super) fn layout<'a>(
    c: &PdfCertificate,
    extras: &PdfExtras,
    fonts: &'a Fonts,
) -> Vec<Block<'a>> {
    let mut centred = Vec::new();
    match &extras.instansi {
        Some(instansi) => {
            centred.push(Centred::new(
                &fonts.bold,
                &instansi.name,
                (15.0, 10.0),
                2,
                20.0,
                1.2,
            ));
        }
        None => centred.push(Centred::new(
            &fonts.regular,
            &c.issuer,
            (12.0, 9.0),
            2,
            18.0,
            1.25,
        )),
    }
    centred.push(
        Centred::new(&fonts.bold, "SERTIFIKAT", (36.0, 36.0), 1, 44.0, 1.2).role(Role::Title),
    );
    centred.push(Centred::new(
        &fonts.regular,
        &format!("Nomor: {}", c.number),
        (11.0, 8.0),
        1,
        20.0,
        1.2,
    ));
    if c.revoked {
        centred.push(Centred::new(
            &fonts.bold,
            "DICABUT — sertifikat ini telah dicabut dan tidak berlaku",
            (14.0, 10.0),
            1,
            30.0,
            1.2,
        ));
    }
    centred.push(Centred::new(
        &fonts.regular,
        "diberikan kepada",
        (13.0, 13.0),
        1,
        30.0,
        1.2,
    ));
    centred.push(Centred::new(
        &fonts.bold,
        &c.holder_name,
        (26.0, 16.0),
        2,
        34.0,
        1.15,
    ));
    if let Some(nip) = &c.holder_nip {
        centred.push(Centred::new(
            &fonts.regular,
            &format!("NIP {nip}"),
            (12.0, 9.0),
            1,
            22.0,
            1.2,
        ));
    }
    if let Some(unit) = &extras.unit {
        centred.push(Centred::new(
            &fonts.regular,
            &format!("Unit kerja: {unit}"),
            (12.0, 9.0),
            2,
            20.0,
            1.2,
        ));
    }
    centred.push(Centred::new(
        &fonts.regular,
        extras
            .statement
            .as_deref()
            .unwrap_or("telah menyelesaikan pelatihan"),
        (13.0, 13.0),
        1,
        28.0,
        1.2,
    ));
    centred.push(Centred::new(
        &fonts.bold,
        &c.course_title,
        (20.0, 12.0),
        3,
        28.0,
        1.2,
    ));
    centred.push(Centred::new(
        &fonts.regular,
        &format!("dengan beban {} JP (jam pelajaran)", c.jp),
        (13.0, 10.0),
        1,
        26.0,
        1.2,
    ));
    if let Some(period) = &extras.period {
        centred.push(Centred::new(
            &fonts.regular,
            &format!("Pelaksanaan: {}", period.indonesian()),
            (12.0, 9.0),
            1,
            20.0,
            1.2,
        ));
    }
    if let Some(predikat) = extras.predikat() {
        centred.push(Centred::new(
            &fonts.bold,
            &format!("dengan predikat {}", predikat.label().to_uppercase()),
            (13.0, 10.0),
            1,
            24.0,
            1.2,
        ));
    }

    let signature = signature_blocks(extras, fonts);
    // The centred text ends above the QR code and above the signatory's column.
    let mut limit = QR_TOP - 20.0;
    if let Some(top) = signature.first().map(|block| block.bounds().1) {
        limit = limit.min(top - 8.0);
    }
    let mut blocks = Vec::new();
    for factor in GAP_FACTORS {
        blocks = stack(&centred, factor);
        let bottom = blocks.last().map(Block::last_baseline).unwrap_or_default();
        if bottom <= limit {
            break;
        }
    }

    // A short certificate is centred in the space above the bottom row, not left
    // hanging at the top.
    let y = blocks.last().map(Block::last_baseline).unwrap_or_default();
    let slack = (limit - y) / 2.0;
    if slack > 0.0 {
        for baseline in blocks.iter_mut().flat_map(|block| &mut block.baselines) {
            *baseline += slack;
        }
    }
    blocks.extend(signature);

    // Bottom left: when, through which instance, how to check.
    let notes_right = if extras.signatory().is_some() {
        SIGNATURE_LEFT - 16.0
    } else {
        QR_LEFT - 20.0
    };
    let notes_width = notes_right - NOTES_LEFT;
    let mut notes: Vec<(String, (f32, f32), usize)> = vec![(
        format!("Diterbitkan: {}", tanggal_indonesia(c.issued_on)),
        (12.0, 9.0),
        1,
    )];
    if extras.instansi.is_some() {
        // The instansi heads the page; the instance it was issued through goes here.
        notes.push((format!("melalui {}", c.issuer), (9.0, 7.0), 2));
    }
    notes.push((
        "Keaslian sertifikat dapat diperiksa dengan memindai kode QR.".to_string(),
        (9.0, 7.0),
        1,
    ));
    let mut baseline = if extras.instansi.is_some() {
        QR_TOP + 40.0
    } else {
        QR_TOP + 52.0
    };
    for (text, (largest, smallest), max_lines) in notes {
        let fitted = fit(
            &fonts.regular,
            &text,
            largest,
            smallest,
            notes_width,
            max_lines,
        );
        let block = Block::new(
            &fonts.regular,
            fitted,
            Align::Left,
            NOTES_LEFT,
            baseline,
            1.2,
        );
        baseline = block.last_baseline() + 16.0;
        blocks.push(block);
    }

    // Bottom right: the URL the QR code holds, under it.
    let right = QR_LEFT + QR_SIZE;
    let verify = format!("Verifikasi keaslian: {}", c.verify_url);
    let (size, lines) = fit(&fonts.regular, &verify, 8.0, 5.0, right - NOTES_LEFT, 1);
    let first = QR_TOP + QR_SIZE + 4.0 + size * ASCENT;
    blocks.push(Block::new(
        &fonts.regular,
        (size, lines),
        Align::Right,
        right,
        first,
        1.15,
    ));
    blocks
}

/// The signatory, as Indonesian certificates have it: the position followed by a
/// comma, room to sign, the name in bold and underlined, and the NIP.
fn signature_blocks<'a>(extras: &PdfExtras, fonts: &'a Fonts) -> Vec<Block<'a>> {
    let Some(signatory) = extras.signatory() else {
        return Vec::new();
    };
    let width = SIGNATURE_RIGHT - SIGNATURE_LEFT;
    let centre = (SIGNATURE_LEFT + SIGNATURE_RIGHT) / 2.0;
    let jabatan = fit(
        &fonts.regular,
        &format!("{},", signatory.jabatan),
        11.0,
        8.0,
        width,
        3,
    );
    let name = fit(&fonts.bold, &signatory.name, 11.0, 8.0, width, 2);
    let nip = signatory
        .nip
        .as_ref()
        .map(|nip| fit(&fonts.regular, &format!("NIP. {nip}"), 10.0, 8.0, width, 1));

    // Anchored at the bottom: the name's last line sits on SIGNATURE_NAME whatever the
    // number of lines above it.
    let name_first = SIGNATURE_NAME - (name.1.len().saturating_sub(1)) as f32 * name.0 * 1.2;
    let jabatan_last = name_first - SIGNATURE_SPACE;
    let jabatan_first = jabatan_last - (jabatan.1.len().saturating_sub(1)) as f32 * jabatan.0 * 1.2;

    let mut blocks = vec![
        Block::new(
            &fonts.regular,
            jabatan,
            Align::Center,
            centre,
            jabatan_first,
            1.2,
        ),
        {
            let mut block = Block::new(&fonts.bold, name, Align::Center, centre, name_first, 1.2);
            block.underline = true;
            block
        },
    ];
    if let Some(nip) = nip {
        let baseline = SIGNATURE_NAME + 4.0 + nip.0 * 1.2;
        blocks.push(Block::new(
            &fonts.regular,
            nip,
            Align::Center,
            centre,
            baseline,
            1.2,
        ));
    }
    blocks
}

/// Draws the first page and returns its part of the tag tree, in reading order.
pub(super) fn draw(
    surface: &mut Surface<'_>,
    blocks: &[Block<'_>],
    qr: &QrCode,
    revoked: bool,
    qr_alt: &str,
) -> Vec<Node> {
    draw_borders(surface);
    let mut nodes: Vec<Node> = Vec::new();
    for block in blocks {
        let ids = block.draw(surface);
        let mut group = match block.role {
            Role::Title => TagGroup::new(Tag::Hn(NonZeroU16::MIN, Some(block.lines.join(" ")))),
            Role::Text => TagGroup::new(Tag::P),
            Role::Artifact => continue,
        };
        for id in ids {
            group.push(id);
        }
        nodes.push(group.into());
    }
    if revoked {
        draw_revoked_box(surface, blocks);
    }
    nodes.push(draw_qr(surface, qr, qr_alt));
    nodes
}

fn stroke(width: f32) -> Stroke {
    Stroke {
        paint: luma::Color::black().into(),
        width,
        ..Stroke::default()
    }
}

fn rectangle(surface: &mut Surface<'_>, inset: f32, width: f32) {
    let mut path = PathBuilder::new();
    if let Some(rect) = Rect::from_ltrb(inset, inset, PAGE_WIDTH - inset, PAGE_HEIGHT - inset) {
        path.push_rect(rect);
    }
    if let Some(path) = path.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(stroke(width)));
        surface.draw_path(&path);
        surface.set_stroke(None);
        surface.set_fill(Some(Fill::default()));
    }
}

/// The double frame, on every page; decoration, so an artifact.
pub(super) fn draw_borders(surface: &mut Surface<'_>) {
    surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
        ArtifactType::Layout,
    )));
    rectangle(surface, OUTER_BORDER, 2.0);
    rectangle(surface, INNER_BORDER, 0.6);
    surface.end_tagged();
}

/// A frame around the "DICABUT" line, so a photocopy still shows it at a glance.
fn draw_revoked_box(surface: &mut Surface<'_>, blocks: &[Block<'_>]) {
    let Some(block) = blocks
        .iter()
        .find(|block| block.lines.iter().any(|line| line.starts_with("DICABUT")))
    else {
        return;
    };
    let (left, top, right, bottom) = block.bounds();
    let mut path = PathBuilder::new();
    if let Some(rect) = Rect::from_ltrb(left - 10.0, top - 5.0, right + 10.0, bottom + 5.0) {
        path.push_rect(rect);
    }
    if let Some(path) = path.finish() {
        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
            ArtifactType::Layout,
        )));
        surface.set_fill(None);
        surface.set_stroke(Some(stroke(1.5)));
        surface.draw_path(&path);
        surface.set_stroke(None);
        surface.set_fill(Some(Fill::default()));
        surface.end_tagged();
    }
}

/// Dark runs of the QR code, row by row: `(row, first column, length)` in modules,
/// without the quiet zone. One rectangle per run instead of per module keeps the
/// content stream small.
pub(super) fn qr_runs(qr: &QrCode) -> Vec<(usize, usize, usize)> {
    let width = qr.width();
    let colors = qr.to_colors();
    let mut runs = Vec::new();
    for (row, modules) in colors.chunks(width).enumerate() {
        let mut column = 0;
        while column < width {
            if modules[column] == Color::Dark {
                let start = column;
                while column < width && modules[column] == Color::Dark {
                    column += 1;
                }
                runs.push((row, start, column - start));
            } else {
                column += 1;
            }
        }
    }
    runs
}

/// Module size in points for a QR code of `width` modules in the [`QR_SIZE`] square.
pub(super) fn qr_module(width: usize) -> f32 {
    QR_SIZE / (width + 2 * QUIET_ZONE) as f32
}

/// Draws the QR code as one figure with its alternative text.
fn draw_qr(surface: &mut Surface<'_>, qr: &QrCode, alt: &str) -> Node {
    let module = qr_module(qr.width());
    let origin_x = QR_LEFT + QUIET_ZONE as f32 * module;
    let origin_y = QR_TOP + QUIET_ZONE as f32 * module;
    let mut path = PathBuilder::new();
    for (row, column, length) in qr_runs(qr) {
        if let Some(rect) = Rect::from_xywh(
            origin_x + column as f32 * module,
            origin_y + row as f32 * module,
            length as f32 * module,
            module,
        ) {
            path.push_rect(rect);
        }
    }
    let bbox = Rect::from_xywh(QR_LEFT, QR_TOP, QR_SIZE, QR_SIZE).map(|rect| BBox::new(0, rect));
    let mut figure = TagGroup::new(Tag::Figure(Some(alt.to_string())).with_bbox(bbox));
    if let Some(path) = path.finish() {
        let id = surface.start_tagged(ContentTag::Other);
        surface.set_stroke(None);
        surface.set_fill(Some(Fill::default()));
        surface.draw_path(&path);
        surface.end_tagged();
        figure.push(id);
    }
    figure.into()
}
