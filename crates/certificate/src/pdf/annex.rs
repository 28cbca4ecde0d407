//! The annex (lampiran): the course's modules, with their lessons and quizzes, on the
//! pages after the certificate, continued on as many pages as the list needs.

use std::num::NonZeroU16;

use krilla::surface::Surface;
use krilla::tagging::{Identifier, ListNumbering, Node, Tag, TagGroup};

use super::front::{INNER_BORDER, PAGE_HEIGHT, PAGE_WIDTH, draw_borders};
use super::text::{ASCENT, Align, Block, DESCENT, Fonts, Role, fit};
use super::{ModuleItemKind, ModuleOutline, PdfCertificate};

/// The list's columns: a module's number ends at `MODULE_LABEL`, its title starts at
/// `MODULE_TITLE`; a lesson's or quiz's number ends at `ITEM_LABEL`, its title starts
/// at `ITEM_TITLE`. Every title ends at `LIST_RIGHT`.
const MODULE_LABEL: f32 = 100.0;
const MODULE_TITLE: f32 = 108.0;
const ITEM_LABEL: f32 = 146.0;
const ITEM_TITLE: f32 = 154.0;
const LIST_RIGHT: f32 = PAGE_WIDTH - 72.0;

/// Where the list may run to; the page number sits below.
pub(super) const LIST_BOTTOM: f32 = PAGE_HEIGHT - INNER_BORDER - 34.0;
const FOOTER_BASELINE: f32 = PAGE_HEIGHT - INNER_BORDER - 14.0;
/// Where the list starts on a continuation page, under its one-line header.
const CONTINUED_TOP: f32 = 76.0;

/// Which part of the document's structure a block of the annex belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    /// The annex's heading, `H2`.
    Heading,
    /// A line of the annex's header, `P`.
    Header,
    /// Running header or page number: not in the structure.
    Artifact,
    /// Module `m`'s number (`Lbl`) or title (`LBody`).
    ModuleLabel(usize),
    ModuleTitle(usize),
    /// Item `i` of module `m`: number (`Lbl`) or title (`LBody`).
    ItemLabel(usize, usize),
    ItemTitle(usize, usize),
}

/// One page of the annex, laid out.
pub(super) struct AnnexPage<'a> {
    pub(super) blocks: Vec<(Slot, Block<'a>)>,
}

/// A row of the list before it is placed: its number and its title, fitted.
struct Row<'a> {
    label: Block<'a>,
    title: Block<'a>,
    label_slot: Slot,
    title_slot: Slot,
    /// Room the row takes, from the top of its first line to below its last.
    height: f32,
    /// Extra room above the row (more before a module than before a lesson).
    space_before: f32,
}

impl<'a> Row<'a> {
    /// Moves the row so that its ink starts at `top`.
    fn place(mut self, top: f32) -> (Block<'a>, Block<'a>) {
        let first = top + ASCENT * self.title.size;
        let shift = first - self.title.baselines.first().copied().unwrap_or_default();
        for baseline in self
            .title
            .baselines
            .iter_mut()
            .chain(self.label.baselines.iter_mut())
        {
            *baseline += shift;
        }
        (self.label, self.title)
    }
}

fn row<'a>(
    fonts: &'a Fonts,
    bold: bool,
    (label, label_right): (String, f32),
    (title, title_left): (&str, f32),
    slots: (Slot, Slot),
    space_before: f32,
) -> Row<'a> {
    let face = if bold { &fonts.bold } else { &fonts.regular };
    let (largest, smallest) = if bold { (11.0, 9.0) } else { (10.0, 8.0) };
    let (size, lines) = fit(face, title, largest, smallest, LIST_RIGHT - title_left, 3);
    let line_height = 1.25;
    let title = Block::new(
        face,
        (size, lines),
        Align::Left,
        title_left,
        0.0,
        line_height,
    );
    let label = Block::new(
        face,
        (size, vec![label]),
        Align::Right,
        label_right,
        0.0,
        line_height,
    );
    let height = (title.lines.len().saturating_sub(1)) as f32 * size * line_height
        + (ASCENT + DESCENT) * size
        + 3.0;
    Row {
        label,
        title,
        label_slot: slots.0,
        title_slot: slots.1,
        height,
        space_before,
    }
}

/// The annex's heading for a course's modules.
pub(super) const MODULES_HEADING: &str = "Daftar Modul Pelatihan";

/// Lays out the annex pages under `heading`; none when there are no modules.
pub(super) fn layout<'a>(
    c: &PdfCertificate,
    modules: &[ModuleOutline],
    heading: &str,
    fonts: &'a Fonts,
) -> Vec<AnnexPage<'a>> {
    if modules.is_empty() {
        return Vec::new();
    }
    let centre = PAGE_WIDTH / 2.0;
    let width = PAGE_WIDTH - 2.0 * 80.0;

    // The first annex page's header: what this is, which certificate, which course, whose.
    let mut header = Vec::new();
    let mut y = 44.0;
    for (slot, bold, text, (largest, smallest), max_lines, gap) in [
        (
            Slot::Heading,
            true,
            "LAMPIRAN SERTIFIKAT".to_string(),
            (15.0, 15.0),
            1,
            22.0,
        ),
        (
            Slot::Header,
            false,
            format!("Nomor: {}", c.number),
            (11.0, 8.0),
            1,
            18.0,
        ),
        (
            Slot::Header,
            true,
            c.course_title.clone(),
            (14.0, 9.0),
            2,
            22.0,
        ),
        (
            Slot::Header,
            false,
            format!("atas nama {}", c.holder_name),
            (11.0, 8.0),
            2,
            18.0,
        ),
        (
            Slot::Heading,
            true,
            heading.to_string(),
            (12.0, 12.0),
            1,
            28.0,
        ),
    ] {
        let face = if bold { &fonts.bold } else { &fonts.regular };
        let fitted = fit(face, &text, largest, smallest, width, max_lines);
        y += gap;
        let block = Block::new(face, fitted, Align::Center, centre, y, 1.2);
        y = block.last_baseline();
        header.push((slot, block));
    }
    let first_top = y + 14.0;

    // The rows, modules numbered 1, 2, ... and their lessons and quizzes 1.1, 1.2, ...
    let mut rows = Vec::new();
    for (m, module) in modules.iter().enumerate() {
        rows.push(row(
            fonts,
            true,
            (format!("{}.", m + 1), MODULE_LABEL),
            (&module.title, MODULE_TITLE),
            (Slot::ModuleLabel(m), Slot::ModuleTitle(m)),
            if m == 0 { 0.0 } else { 7.0 },
        ));
        for (i, item) in module.items.iter().enumerate() {
            let title = match item.kind {
                ModuleItemKind::Lesson => item.title.clone(),
                ModuleItemKind::Quiz => format!("Kuis: {}", item.title),
            };
            rows.push(row(
                fonts,
                false,
                (format!("{}.{}", m + 1, i + 1), ITEM_LABEL),
                (&title, ITEM_TITLE),
                (Slot::ItemLabel(m, i), Slot::ItemTitle(m, i)),
                0.0,
            ));
        }
    }

    let mut pages = vec![AnnexPage { blocks: header }];
    let mut top = first_top;
    let mut rows = rows.into_iter().peekable();
    while let Some(row) = rows.next() {
        let mut needed = row.space_before + row.height;
        // A module's title is not left alone at the foot of a page: its first lesson
        // comes with it.
        if matches!(row.title_slot, Slot::ModuleTitle(_))
            && let Some(next) = rows.peek()
            && matches!(next.title_slot, Slot::ItemTitle(..))
        {
            needed += next.height;
        }
        let on_fresh_page = pages.last().is_some_and(|page| {
            page.blocks
                .iter()
                .all(|(slot, _)| matches!(slot, Slot::Artifact))
        });
        if top + needed > LIST_BOTTOM && !on_fresh_page {
            let mut page = AnnexPage { blocks: Vec::new() };
            let fitted = fit(
                &fonts.regular,
                &format!("Lampiran Sertifikat Nomor: {} (lanjutan)", c.number),
                9.0,
                7.0,
                width,
                1,
            );
            page.blocks.push((
                Slot::Artifact,
                Block::new(&fonts.regular, fitted, Align::Center, centre, 50.0, 1.2)
                    .with_role(Role::Artifact),
            ));
            pages.push(page);
            top = CONTINUED_TOP;
        } else {
            top += row.space_before;
        }
        let (label_slot, title_slot, height) = (row.label_slot, row.title_slot, row.height);
        let (label, title) = row.place(top);
        top += height;
        if let Some(page) = pages.last_mut() {
            page.blocks.push((label_slot, label));
            page.blocks.push((title_slot, title));
        }
    }
    pages
}

/// Adds the page number ("Halaman 2 dari 4") to every annex page; `first` is the
/// number of the first annex page in the whole document.
pub(super) fn number_pages<'a>(pages: &mut [AnnexPage<'a>], fonts: &'a Fonts, first: usize) {
    let total = first + pages.len() - 1;
    for (i, page) in pages.iter_mut().enumerate() {
        let text = format!("Halaman {} dari {}", first + i, total);
        let block = Block::new(
            &fonts.regular,
            (8.0, vec![text]),
            Align::Center,
            PAGE_WIDTH / 2.0,
            FOOTER_BASELINE,
            1.2,
        )
        .with_role(Role::Artifact);
        page.blocks.push((Slot::Artifact, block));
    }
}

/// The identifiers of what was drawn, by slot, collected across the annex pages.
#[derive(Default)]
pub(super) struct Drawn {
    header: Vec<(Slot, String, Vec<Identifier>)>,
    /// Per module: label ids, title ids, and per item label ids and title ids.
    modules: Vec<DrawnModule>,
}

#[derive(Default)]
struct DrawnModule {
    label: Vec<Identifier>,
    title: Vec<Identifier>,
    items: Vec<(Vec<Identifier>, Vec<Identifier>)>,
}

impl Drawn {
    fn module(&mut self, m: usize) -> &mut DrawnModule {
        if self.modules.len() <= m {
            self.modules.resize_with(m + 1, DrawnModule::default);
        }
        &mut self.modules[m]
    }

    fn item(&mut self, m: usize, i: usize) -> &mut (Vec<Identifier>, Vec<Identifier>) {
        let module = self.module(m);
        if module.items.len() <= i {
            module.items.resize_with(i + 1, Default::default);
        }
        &mut module.items[i]
    }

    /// The annex's part of the tag tree: its header, then the list of modules, each an
    /// item with its own list of lessons and quizzes.
    pub(super) fn into_nodes(self) -> Vec<Node> {
        let mut nodes: Vec<Node> = Vec::new();
        for (slot, text, ids) in self.header {
            let mut group = if slot == Slot::Heading {
                TagGroup::new(Tag::Hn(NonZeroU16::MIN.saturating_add(1), Some(text)))
            } else {
                TagGroup::new(Tag::P)
            };
            for id in ids {
                group.push(id);
            }
            nodes.push(group.into());
        }
        let mut list = TagGroup::new(Tag::L(ListNumbering::Decimal));
        for module in self.modules {
            let mut label = TagGroup::new(Tag::Lbl);
            for id in module.label {
                label.push(id);
            }
            let mut body = TagGroup::new(Tag::LBody);
            for id in module.title {
                body.push(id);
            }
            if !module.items.is_empty() {
                let mut items = TagGroup::new(Tag::L(ListNumbering::Decimal));
                for (item_label, item_title) in module.items {
                    let mut label = TagGroup::new(Tag::Lbl);
                    for id in item_label {
                        label.push(id);
                    }
                    let mut body = TagGroup::new(Tag::LBody);
                    for id in item_title {
                        body.push(id);
                    }
                    items.push(TagGroup::with_children(
                        Tag::LI,
                        vec![label.into(), body.into()],
                    ));
                }
                body.push(items);
            }
            list.push(TagGroup::with_children(
                Tag::LI,
                vec![label.into(), body.into()],
            ));
        }
        nodes.push(list.into());
        nodes
    }
}

/// Draws one annex page, adding what it drew to `drawn`.
pub(super) fn draw(surface: &mut Surface<'_>, page: &AnnexPage<'_>, drawn: &mut Drawn) {
    draw_borders(surface);
    for (slot, block) in &page.blocks {
        let ids = block.draw(surface);
        match *slot {
            Slot::Heading | Slot::Header => {
                drawn.header.push((*slot, block.lines.join(" "), ids));
            }
            Slot::Artifact => {}
            Slot::ModuleLabel(m) => drawn.module(m).label.extend(ids),
            Slot::ModuleTitle(m) => drawn.module(m).title.extend(ids),
            Slot::ItemLabel(m, i) => drawn.item(m, i).0.extend(ids),
            Slot::ItemTitle(m, i) => drawn.item(m, i).1.extend(ids),
        }
    }
}
