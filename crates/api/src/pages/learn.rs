//! Pages of the learner's journey outside quizzes: sign-in, home, catalogue, course,
//! lessons, certificates and public verification.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use lentera_content::ItemKind;
use serde::{Deserialize, Serialize};

use super::LANG_COOKIE;
use super::forms::{check_csrf, safe_next};
use super::page::{Page, PageResult, signed_in};
use crate::auth::{PageAccount, PageUser};
use crate::client::client_address;
use crate::cookies::Cookies;
use crate::error::{ApiError, status_of};
use crate::i18n::Lang;
use crate::respond::redirect;
use crate::state::AppState;
use lentera_content::Lesson;
use lentera_domain::ErrorCode;
use lentera_domain::Jp;
use lentera_domain::catalog::{Catalog, CatalogQuery, CompiledCourse, CourseHead};
use lentera_domain::certificates;
use lentera_domain::learning::{
    self, Certificate, CourseProgress, GradedNews, NextItem, OutlineEntry,
};
use lentera_domain::ledger::{self, JpYear, Ledger};
use lentera_domain::{catalog, login, sessions};

pub async fn home(state: web::Data<AppState>, req: HttpRequest, user: PageUser) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let home = learning::home(&state, &me.user).await?;
    page.render(&state, "home.html", StatusCode::OK, HomePage::of(home))
}

/// The learner's home: each course with one measure of progress and a link on to the next
/// thing to do, this year's JP, and the essays graded lately.
#[derive(Serialize)]
struct HomePage {
    courses: Vec<HomeCourse>,
    jp: JpYear,
    graded: Vec<GradedNews>,
    assignments: Vec<lentera_domain::assignments::MyAssignment>,
}

#[derive(Serialize)]
struct HomeCourse {
    #[serde(flatten)]
    progress: CourseProgress,
    /// "Lanjutkan": the next undone item of the outline.
    continue_at: Option<Link>,
}

impl HomePage {
    fn of(home: learning::Home) -> Self {
        HomePage {
            courses: home
                .courses
                .into_iter()
                .map(|progress| HomeCourse {
                    continue_at: progress.next.as_ref().map(|n| next_link(&progress.slug, n)),
                    progress,
                })
                .collect(),
            jp: home.jp,
            graded: home.graded,
            assignments: home.assignments,
        }
    }
}

/// The sign-in form: where to go after, the username typed, the refusal.
#[derive(Serialize)]
struct LoginPage<'a> {
    next: &'a str,
    username: &'a str,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    q: web::Query<NextQuery>,
) -> PageResult {
    let page = Page::new(&req, user.0)?;
    if page.user.is_some() {
        return Ok(redirect(&safe_next(q.next.as_deref())));
    }
    let next = safe_next(q.next.as_deref());
    let view = LoginPage {
        next: &next,
        username: "",
        error: None,
    };
    page.render(&state, "login.html", StatusCode::OK, view)
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

pub async fn login_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> PageResult {
    let form = form.into_inner();
    check_csrf(&req, &form.csrf)?;
    let page = Page::new(&req, None)?;
    let next = safe_next(form.next.as_deref());
    let address = client_address(&req, &state.config.trusted_proxies);
    match login::sign_in(&state, &address, &form.username, form.password).await {
        Ok((token, _)) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, next))
            .cookie(Cookies::of(&req).session(token))
            .finish()),
        Err(err) if status_of(err.code).is_client_error() => {
            // Re-show the form with the message next to the fields and the username kept.
            let key = format!("error.{}", err.code);
            let view = LoginPage {
                next: &next,
                username: &form.username,
                error: Some(page.t(&state.locales, &key).to_owned()),
            };
            page.render(&state, "login.html", status_of(err.code), view)
        }
        Err(err) => Err(ApiError::from(err)),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAccount,
    form: web::Form<CsrfForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf)?;
    if let Some(u) = user.0 {
        sessions::sign_out(&state, &u).await?;
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/masuk"))
        .cookie(Cookies::of(&req).session_removal())
        .finish())
}

#[derive(Deserialize)]
pub struct LanguageForm {
    csrf: String,
    next: Option<String>,
}

/// The language switch (a POST: it changes the account's stored language): remembered in a
/// cookie, and on the account when signed in.
pub async fn switch_language(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAccount,
    path: web::Path<String>,
    form: web::Form<LanguageForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf)?;
    let lang = Lang::parse(&path)
        .ok_or_else(|| ApiError::new(ErrorCode::UnknownLanguage, "Unknown language"))?;
    if let Some(u) = &user.0 {
        sessions::set_language(&state, u, lang.code()).await?;
    }
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, safe_next(form.next.as_deref())))
        .cookie(cookie)
        .finish())
}

/// The catalogue's search form (a GET form: it works without JavaScript, and a search
/// can be bookmarked or shared).
#[derive(Deserialize)]
pub struct CatalogForm {
    cari: Option<String>,
    kategori: Option<String>,
}

pub async fn catalog(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    q: web::Query<CatalogForm>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let asked = CatalogQuery {
        search: q.cari.as_deref(),
        category: q.kategori.as_deref(),
    };
    let found = catalog::browse(&state, &me.user, asked).await?;
    let view = CatalogPage {
        search: q.cari.as_deref().unwrap_or_default(),
        category: q.kategori.as_deref().unwrap_or_default(),
        filtered: q.cari.as_deref().is_some_and(|c| !c.trim().is_empty())
            || q.kategori.as_deref().is_some_and(|c| !c.is_empty()),
        catalog: found,
    };
    page.render(&state, "catalog.html", StatusCode::OK, view)
}

/// The catalogue: the courses found, and the search as typed (kept in the form).
#[derive(Serialize)]
struct CatalogPage<'a> {
    #[serde(flatten)]
    catalog: Catalog,
    search: &'a str,
    category: &'a str,
    filtered: bool,
}

/// `?selesai=LESSON`: the lesson the learner has just marked done, said on the page they
/// land on next.
#[derive(Deserialize)]
pub struct DoneQuery {
    pub(super) selesai: Option<String>,
}

pub async fn course(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<String>,
    q: web::Query<DoneQuery>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let me = me.user;
    let (head, compiled) = learning::course(&state, &path).await?;
    let (enrolled, progress) = learning::course_view(&state, &me, &head, &compiled).await?;
    let partner_name = learning::partner_name(&state, &compiled).await?;
    let view = CoursePage {
        modules: modules(&head.slug, learning::outline(&compiled), &progress),
        just_done: just_done(&compiled, q.selesai.as_deref()),
        continue_at: progress.next.as_ref().map(|n| next_link(&head.slug, n)),
        course: CourseCard::of(&head, &compiled, partner_name),
        enrolled,
        progress,
    };
    page.render(&state, "course.html", StatusCode::OK, view)
}

/// The title of the lesson `slug` of this course, for the notice that it was marked done;
/// anything else is ignored.
pub(super) fn just_done(compiled: &CompiledCourse, slug: Option<&str>) -> Option<String> {
    slug.and_then(|s| compiled.course.lesson(s))
        .map(|l| l.title.clone())
}

impl<'a> CourseCard<'a> {
    fn of(
        head: &'a CourseHead,
        compiled: &'a CompiledCourse,
        partner_name: Option<String>,
    ) -> Self {
        let c = &compiled.course;
        CourseCard {
            partner_name,
            slug: &head.slug,
            title: &head.title,
            summary: &head.summary,
            jp: head.jp,
            category: &head.category,
            level: &c.level,
            authors: &c.authors,
            partner: c.partner.as_deref(),
            estimated_hours: c.estimated_hours,
            version: head.version,
        }
    }
}

/// The course outline grouped by module, each item with its link and whether it is done.
fn modules(course: &str, outline: Vec<OutlineEntry>, progress: &CourseProgress) -> Vec<ModuleView> {
    let mut modules: Vec<ModuleView> = Vec::new();
    for OutlineEntry {
        kind,
        slug,
        title,
        required,
        module,
    } in outline
    {
        let done = match kind {
            ItemKind::Lesson => progress.done_lessons.contains(&slug),
            ItemKind::Quiz => progress.passed.contains(&slug),
        };
        let item = ItemView {
            kind,
            href: item_href(course, kind, &slug),
            title,
            required,
            done,
        };
        match modules.last_mut() {
            Some(m) if m.title == module => m.items.push(item),
            _ => modules.push(ModuleView {
                title: module,
                items: vec![item],
            }),
        }
    }
    modules
}

#[derive(Serialize)]
struct CoursePage<'a> {
    course: CourseCard<'a>,
    modules: Vec<ModuleView>,
    enrolled: bool,
    progress: CourseProgress,
    /// The lesson just marked done.
    just_done: Option<String>,
    continue_at: Option<Link>,
}

#[derive(Serialize)]
struct CourseCard<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    jp: Jp,
    category: &'a str,
    level: &'a str,
    authors: &'a [String],
    partner: Option<&'a str>,
    /// The registered partner's name, when `partner` is its code.
    partner_name: Option<String>,
    estimated_hours: Option<f64>,
    version: i32,
}

#[derive(Serialize)]
struct ModuleView {
    title: String,
    items: Vec<ItemView>,
}

#[derive(Serialize)]
struct ItemView {
    kind: ItemKind,
    title: String,
    required: bool,
    done: bool,
    href: String,
}

pub async fn enroll(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf)?;
    let (_, me) = signed_in(&req, user)?;
    let me = me.user;
    let (head, compiled) = learning::course(&state, &path).await?;
    learning::enroll(&state, &me, &head).await?;
    let first = learning::outline(&compiled).into_iter().next();
    Ok(redirect(&match first {
        Some(e) if e.kind == ItemKind::Lesson => item_href(&head.slug, e.kind, &e.slug),
        _ => format!("/kursus/{}", head.slug),
    }))
}

/// Where an outline item's page is.
fn item_href(course: &str, kind: ItemKind, slug: &str) -> String {
    match kind {
        ItemKind::Lesson => format!("/kursus/{course}/materi/{slug}"),
        ItemKind::Quiz => format!("/kursus/{course}/kuis/{slug}"),
    }
}

/// A link to an outline item.
#[derive(Serialize)]
pub(super) struct Link {
    href: String,
    title: String,
    /// lesson or quiz.
    kind: &'static str,
}

/// A link to the item the learner is to do next.
pub(super) fn next_link(course: &str, next: &NextItem) -> Link {
    let kind = match next.kind.as_str() {
        "quiz" => ItemKind::Quiz,
        _ => ItemKind::Lesson,
    };
    Link {
        href: item_href(course, kind, &next.slug),
        title: next.title.clone(),
        kind: kind_name(kind),
    }
}

fn kind_name(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Lesson => "lesson",
        ItemKind::Quiz => "quiz",
    }
}

/// Previous and next outline items around the lesson `slug`, as links.
fn neighbours(
    course_slug: &str,
    items: &[OutlineEntry],
    slug: &str,
) -> (Option<Link>, Option<Link>) {
    let link = |e: &OutlineEntry| Link {
        href: item_href(course_slug, e.kind, &e.slug),
        title: e.title.clone(),
        kind: kind_name(e.kind),
    };
    let pos = items
        .iter()
        .position(|i| i.kind == ItemKind::Lesson && i.slug == slug);
    match pos {
        Some(p) => (
            p.checked_sub(1).and_then(|q| items.get(q)).map(link),
            items.get(p + 1).map(link),
        ),
        None => (None, None),
    }
}

pub async fn lesson(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
    q: web::Query<DoneQuery>,
) -> PageResult {
    let (slug, lesson_slug) = path.into_inner();
    let (page, me) = signed_in(&req, user)?;
    let me = me.user;
    let (head, compiled) = learning::course(&state, &slug).await?;
    let lesson = compiled
        .course
        .lesson(&lesson_slug)
        .ok_or_else(|| ApiError::new(ErrorCode::LessonNotFound, "No such lesson"))?;
    let Some(done) = learning::lessons_done(&state, &me, &head)
        .await?
        .map(|done| done.contains(&lesson.slug))
    else {
        return Ok(redirect(&format!("/kursus/{}", head.slug)));
    };
    // Everything on the page but the CSRF token follows from the version, the lesson,
    // whether it is done and the lesson just marked done (one of this course's): it is
    // rendered once for all learners.
    let just = just_done(&compiled, q.selesai.as_deref());
    let finished = q
        .selesai
        .as_deref()
        .filter(|_| just.is_some())
        .unwrap_or("");
    let key = format!("{} {} {done} {finished}", compiled.version_id, lesson.slug);
    let ctx = || LessonPage::of(&head.slug, &head.title, &compiled, lesson, done, just);
    page.render_shared(&state, &key, "lesson.html", ctx, &lesson.html)
}

impl<'a> LessonPage<'a> {
    fn of(
        slug: &'a str,
        title: &'a str,
        compiled: &CompiledCourse,
        lesson: &'a Lesson,
        done: bool,
        just_done: Option<String>,
    ) -> Self {
        let items = learning::outline(compiled);
        let (prev, next) = neighbours(slug, &items, &lesson.slug);
        let lessons = &compiled.course.lessons;
        LessonPage {
            course: CourseRef { slug, title },
            lesson: LessonView {
                slug: &lesson.slug,
                title: &lesson.title,
                minutes: lesson.minutes,
                // Most lessons open with their own `# Title`; the page then adds no second one.
                has_heading: lesson.html.trim_start().starts_with("<h1"),
                position: lessons
                    .iter()
                    .position(|l| l.slug == lesson.slug)
                    .map_or(1, |p| p + 1),
                of: lessons.len(),
            },
            done,
            just_done,
            prev,
            next,
        }
    }
}

pub async fn complete_lesson(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
    form: web::Form<CsrfForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf)?;
    let (slug, lesson_slug) = path.into_inner();
    let (_, me) = signed_in(&req, user)?;
    let me = me.user;
    let (head, compiled) = learning::course(&state, &slug).await?;
    let (_, certificate) =
        learning::complete_lesson(&state, &me, &head, &compiled, &lesson_slug).await?;
    // On to the next item of the outline, which says that this lesson is done; the course
    // page when the course is now complete (it leads with the certificate) or nothing follows.
    let items = learning::outline(&compiled);
    let (_, next) = neighbours(&head.slug, &items, &lesson_slug);
    let to = match next {
        Some(n) if certificate.is_none() => n.href,
        _ => format!("/kursus/{}", head.slug),
    };
    Ok(redirect(&format!("{to}?selesai={lesson_slug}")))
}

#[derive(Serialize)]
struct LessonPage<'a> {
    course: CourseRef<'a>,
    lesson: LessonView<'a>,
    done: bool,
    /// The lesson just marked done (the one before, usually).
    just_done: Option<String>,
    prev: Option<Link>,
    next: Option<Link>,
}

/// A course named in a page: its slug and title.
#[derive(Serialize)]
pub(super) struct CourseRef<'a> {
    pub slug: &'a str,
    pub title: &'a str,
}

#[derive(Serialize)]
struct LessonView<'a> {
    slug: &'a str,
    title: &'a str,
    minutes: u32,
    has_heading: bool,
    /// "Materi 2 dari 6": this lesson's place among the course's lessons, 1-based.
    position: usize,
    of: usize,
}

/// Course images, served from the current version with a long cache lifetime.
pub async fn asset(
    state: web::Data<AppState>,
    _req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, file) = path.into_inner();
    let (content_type, bytes) = catalog::asset(&state, user.0.as_ref(), &slug, &file).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        // An SVG opened directly must not run anything, whatever it contains.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        ))
        .body(bytes))
}

pub async fn certificates(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let certs = certificates::mine(&state, &me).await?;
    let me = me.user;
    let certificates = certs
        .iter()
        .map(|c| HeldCertificate {
            number: &c.number,
            code: &c.code,
            course_title: &c.course_title,
            jp: c.jp,
            issued_at: c.issued_at.format("%d-%m-%Y").to_string(),
            revoked: c.revoked_at.is_some(),
        })
        .collect();
    let ledger = ledger::ledger(&state, &me, ledger::this_year()).await?;
    let view = CertificatesPage {
        certificates,
        ledger,
    };
    page.render(&state, "certificates.html", StatusCode::OK, view)
}

#[derive(Serialize)]
struct CertificatesPage<'a> {
    certificates: Vec<HeldCertificate<'a>>,
    ledger: Ledger,
}

#[derive(Serialize)]
struct HeldCertificate<'a> {
    number: &'a str,
    code: &'a str,
    course_title: &'a str,
    jp: Jp,
    issued_at: String,
    revoked: bool,
}

/// All of the learner's certificates as PDFs in one zip.
pub async fn certificates_zip(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
) -> PageResult {
    let (_, me) = signed_in(&req, user)?;
    let bytes = certificates::zip_mine(&state, &me).await?;
    Ok(crate::respond::zip(bytes, "sertifikat-saya"))
}

/// The verification form: the code (the QR code's), or the printed number with the
/// holder's NIP.
#[derive(Deserialize)]
pub struct VerifyQuery {
    kode: Option<String>,
    nomor: Option<String>,
    nip: Option<String>,
}

/// What the verification form asks for.
enum Ask<'a> {
    /// A code: its own page.
    Code(String),
    /// The printed number and the holder's NIP: looked up here.
    Number(&'a str, &'a str),
    /// The form (again): empty, or with what is missing said and the rest kept.
    Form(Box<VerifyPage<'static>>, StatusCode),
}

impl VerifyQuery {
    fn ask(&self) -> Ask<'_> {
        fn filled(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        let (number, nip) = (filled(&self.nomor), filled(&self.nip));
        if let Some(code) = filled(&self.kode) {
            // The printed number typed where the code goes: asked for the NIP beside it.
            return match certificates::printed_number(code) {
                Some(number) => Ask::Form(
                    Box::new(VerifyPage {
                        number: Some(number),
                        nip_error: Some("verify.nip_needed"),
                        ..VerifyPage::default()
                    }),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                None => Ask::Code(code.chars().filter(char::is_ascii_alphanumeric).collect()),
            };
        }
        match (number, nip) {
            (Some(number), Some(nip)) => Ask::Number(number, nip),
            (None, None) => Ask::Form(Box::default(), StatusCode::OK),
            (number, nip) => Ask::Form(
                Box::new(VerifyPage {
                    number: number.map(str::to_owned),
                    nip: nip.map(str::to_owned),
                    number_error: number.is_none().then_some("verify.number_needed"),
                    nip_error: nip.is_none().then_some("verify.nip_needed"),
                    ..VerifyPage::default()
                }),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        }
    }
}

pub async fn verify_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    q: web::Query<VerifyQuery>,
) -> PageResult {
    let page = Page::new(&req, user.0)?;
    let (number, nip) = match q.ask() {
        Ask::Code(code) => return Ok(redirect(&format!("/verifikasi/{code}"))),
        Ask::Form(view, status) => return page.render(&state, "verify.html", status, *view),
        Ask::Number(number, nip) => (number, nip),
    };
    let address = client_address(&req, &state.config.trusted_proxies);
    let asked = certificates::Asked::Number { number, nip };
    match certificates::look_up(&state, &address, asked).await? {
        Some(c) => page.render(&state, "verify.html", StatusCode::OK, VerifyPage::of(c)),
        None => {
            let view = VerifyPage::not_found_by_number(number, nip);
            page.render(&state, "verify.html", StatusCode::NOT_FOUND, view)
        }
    }
}

/// The verification page: the form alone, a certificate found, or nothing found (by code,
/// or by number and NIP), with what was typed kept in the form.
#[derive(Serialize, Default)]
struct VerifyPage<'a> {
    asked: bool,
    found: bool,
    /// Asked by number and NIP (not by code).
    by_number: bool,
    revoked: bool,
    revoked_at: Option<String>,
    revocation_reason: Option<String>,
    certificate: Option<lentera_certificate::CertificatePayload>,
    issued_on: Option<String>,
    code: Option<&'a str>,
    number: Option<String>,
    nip: Option<String>,
    /// Locale keys of what is wrong with a field.
    number_error: Option<&'static str>,
    nip_error: Option<&'static str>,
}

pub async fn verify(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<String>,
) -> PageResult {
    let page = Page::new(&req, user.0)?;
    let address = client_address(&req, &state.config.trusted_proxies);
    match certificates::look_up(&state, &address, certificates::Asked::Code(&path)).await? {
        Some(c) => page.render(&state, "verify.html", StatusCode::OK, VerifyPage::of(c)),
        None => {
            let view = VerifyPage {
                asked: true,
                code: Some(path.as_str()),
                ..VerifyPage::default()
            };
            page.render(&state, "verify.html", StatusCode::NOT_FOUND, view)
        }
    }
}

impl VerifyPage<'_> {
    /// Nothing found by number and NIP: the same answer whether the number exists or not;
    /// what the visitor typed is kept, and a NIP that cannot be one is pointed out (that
    /// needs no look-up).
    fn not_found_by_number(number: &str, nip: &str) -> Self {
        VerifyPage {
            asked: true,
            by_number: true,
            number: Some(number.to_owned()),
            nip: Some(nip.to_owned()),
            nip_error: certificates::typed_nip(nip)
                .is_err()
                .then_some("verify.nip_invalid"),
            ..VerifyPage::default()
        }
    }

    /// A certificate found: valid or revoked, with what it says.
    fn of(c: Certificate) -> Self {
        VerifyPage {
            asked: true,
            found: true,
            revoked: c.revoked_at.is_some(),
            revoked_at: c.revoked_at.map(|d| d.format("%d-%m-%Y").to_string()),
            certificate: Some(certificates::payload(&c)),
            issued_on: Some(c.issued_at.format("%d-%m-%Y").to_string()),
            revocation_reason: c.revocation_reason,
            ..VerifyPage::default()
        }
    }
}
