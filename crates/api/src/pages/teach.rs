//! Instructor pages: my courses with an upload form, a course's versions and learners,
//! and a lesson editor with a Markdown preview that works without JavaScript.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use serde::{Deserialize, Serialize};

use super::forms::check_csrf;
use super::learn::CourseRef;
use super::page::{Page, PageResult, signed_in};
use crate::auth::PageTeacher;
use crate::error::ApiError;
use crate::error::status_of;
use crate::multipart::read_multipart;
use crate::respond::redirect;
use crate::state::AppState;
use lentera_content::Problem;
use lentera_domain::catalog::{CompiledCourse, CourseHead};
use lentera_domain::publishing::{EnrollmentView, VersionView};
use lentera_domain::sessions::CurrentUser;
use lentera_domain::{Details, Error, ErrorCode};
use lentera_domain::{Jp, publishing};

/// A problem the page shows above a form.
fn problem(text: &str) -> Problem {
    Problem {
        file: String::new(),
        line: 0,
        column: 0,
        message: text.to_owned(),
        pesan: text.to_owned(),
    }
}

/// A refusal as the list of problems the page shows above the form: every problem of the
/// course or text, or the error's own message in the page's language.
fn problems_of(e: &Error, page: &Page, state: &AppState) -> Vec<Problem> {
    match &e.details {
        Some(Details::Problems(list)) => list.clone(),
        _ => vec![problem(
            page.t(&state.locales, &format!("error.{}", e.code)),
        )],
    }
}

#[derive(Serialize)]
struct DashboardPage {
    courses: Vec<MyCourse>,
    problems: Vec<Problem>,
}

#[derive(Serialize)]
struct MyCourse {
    slug: String,
    title: String,
    version: i32,
    published: bool,
    jp: Jp,
}

async fn dashboard(
    state: &AppState,
    page: &Page,
    me: &CurrentUser,
    status: StatusCode,
    problems: Vec<Problem>,
) -> PageResult {
    let courses = publishing::my_courses(state, me)
        .await?
        .into_iter()
        .map(|c| MyCourse {
            slug: c.slug,
            title: c.title,
            version: c.version,
            published: c.published,
            jp: c.jp,
        })
        .collect();
    let view = DashboardPage { courses, problems };
    page.render(state, "teach.html", status, view)
}

pub async fn home(state: web::Data<AppState>, req: HttpRequest, user: PageTeacher) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    dashboard(&state, &page, &me, StatusCode::OK, Vec::new()).await
}

pub async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    form: actix_multipart::Multipart,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    // `PageTeacher` settled who is asking before a byte of the upload is read.
    let (_, file) = read_multipart(form, publishing::MAX_UPLOAD, Some(&req)).await?;
    let outcome = match file.filter(|b| !b.is_empty()) {
        Some(bytes) => publishing::publish_zip(&state, &me, bytes).await,
        None => Err(Error::new(ErrorCode::MissingFile, "Choose a course zip")),
    };
    match outcome {
        Ok(p) => {
            let to = format!("/pengajar/kursus/{}?versi={}", p.slug, p.version);
            Ok(redirect(&to))
        }
        Err(e) => {
            let problems = problems_of(&e, &page, &state);
            dashboard(&state, &page, &me, status_of(e.code), problems).await
        }
    }
}

#[derive(Deserialize)]
pub struct VersionQuery {
    versi: Option<i32>,
}

pub async fn course(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<String>,
    q: web::Query<VersionQuery>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    // The newest version (a draft, when there is one): what the author edits and previews.
    let (head, compiled, newest, is_draft) = publishing::draft_preview(&state, &me, &path).await?;
    let (_, versions) = publishing::versions(&state, &me, &head.slug).await?;
    let (_, learners) = publishing::enrolled(&state, &me, &head.slug).await?;
    let view = TeachCoursePage {
        draft: is_draft.then_some(newest),
        lessons: Item::lessons(&compiled),
        quizzes: Item::quizzes(&compiled),
        course: CourseState {
            slug: &head.slug,
            title: &head.title,
            published: head.published,
            version: head.version,
        },
        versions: versions.into_iter().map(VersionRow::from).collect(),
        learners: learners.into_iter().map(LearnerRow::from).collect(),
        just_published: q.versi,
    };
    page.render(&state, "teach_course.html", StatusCode::OK, view)
}

impl From<VersionView> for VersionRow {
    fn from(v: VersionView) -> VersionRow {
        VersionRow {
            version: v.version,
            title: v.title,
            created_at: v.created_at.format("%d-%m-%Y %H:%M").to_string(),
            current: v.current,
            draft: v.draft,
            hash: v.content_hash.chars().take(10).collect(),
        }
    }
}

impl From<EnrollmentView> for LearnerRow {
    fn from(e: EnrollmentView) -> LearnerRow {
        LearnerRow {
            name: e.name,
            username: e.username,
            enrolled_at: e.enrolled_at.format("%d-%m-%Y").to_string(),
            completed_at: e.completed_at.map(|d| d.format("%d-%m-%Y").to_string()),
        }
    }
}

impl Item {
    fn lessons(compiled: &CompiledCourse) -> Vec<Item> {
        (compiled.course.lessons.iter())
            .map(|l| Item {
                slug: l.slug.clone(),
                title: l.title.clone(),
            })
            .collect()
    }

    fn quizzes(compiled: &CompiledCourse) -> Vec<Item> {
        (compiled.course.quizzes.iter())
            .map(|q| Item {
                slug: q.slug.clone(),
                title: compiled.quiz_title(&q.slug).to_owned(),
            })
            .collect()
    }
}

#[derive(Serialize)]
struct TeachCoursePage<'a> {
    /// The draft's version number, when the newest version is not yet published.
    draft: Option<i32>,
    course: CourseState<'a>,
    versions: Vec<VersionRow>,
    learners: Vec<LearnerRow>,
    lessons: Vec<Item>,
    quizzes: Vec<Item>,
    just_published: Option<i32>,
}

#[derive(Serialize)]
struct CourseState<'a> {
    slug: &'a str,
    title: &'a str,
    published: bool,
    version: i32,
}

#[derive(Serialize)]
struct VersionRow {
    version: i32,
    title: String,
    created_at: String,
    current: bool,
    draft: bool,
    hash: String,
}

#[derive(Serialize)]
struct LearnerRow {
    name: String,
    username: String,
    enrolled_at: String,
    completed_at: Option<String>,
}

/// A lesson or quiz of the course, by slug and title.
#[derive(Serialize)]
struct Item {
    slug: String,
    title: String,
}

#[derive(Deserialize)]
pub struct ActionForm {
    csrf: String,
    version: Option<i32>,
}

/// The buttons of a course's page.
enum CourseAction {
    Publish,
    Hide,
    RollBack,
}

impl CourseAction {
    fn parse(name: &str) -> Option<CourseAction> {
        match name {
            "terbitkan" => Some(CourseAction::Publish),
            "sembunyikan" => Some(CourseAction::Hide),
            "kembalikan" => Some(CourseAction::RollBack),
            _ => None,
        }
    }
}

/// Publish, unpublish or roll back, from the course page's buttons: the same operations as
/// the API's.
pub async fn action(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<(String, String)>,
    form: web::Form<ActionForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf)?;
    let (slug, action) = path.into_inner();
    let (_, me) = signed_in(&req, user)?;
    let action = CourseAction::parse(&action)
        .ok_or_else(|| ApiError::new(ErrorCode::PageNotFound, "Page not found"))?;
    let head = match action {
        CourseAction::Publish => publishing::publish_latest(&state, &me, &slug).await?,
        CourseAction::Hide => publishing::set_published(&state, &me, &slug, false).await?,
        CourseAction::RollBack => {
            publishing::rollback(&state, &me, &slug, form.version.unwrap_or(0)).await?
        }
    };
    Ok(redirect(&format!("/pengajar/kursus/{}", head.slug)))
}

pub async fn edit_lesson(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, lesson) = path.into_inner();
    let (page, me) = signed_in(&req, user)?;
    let head = publishing::editable(&state, &me, &slug).await?;
    let markdown = publishing::lesson_source(&state, &head, &lesson).await?;
    let title = publishing::lesson_title(&state, &head, &lesson).await?;
    let view = LessonEditor::new(&head, &lesson, &title, &markdown);
    page.render(&state, "teach_lesson.html", StatusCode::OK, view)
}

#[derive(Serialize)]
struct LessonEditor<'a> {
    course: CourseRef<'a>,
    lesson: &'a str,
    /// The lesson's title, for the heading.
    lesson_title: &'a str,
    markdown: &'a str,
    preview: Option<String>,
    problems: Vec<EditorProblem>,
}

/// A problem as the editor shows it: for the lesson being edited, the line of the text
/// area it is on and that line's text (the text area has no line numbers).
#[derive(Serialize)]
struct EditorProblem {
    #[serde(flatten)]
    problem: Problem,
    /// The offending line as typed, when the problem is in this lesson's text.
    text: Option<String>,
}

impl EditorProblem {
    fn of(problems: Vec<Problem>, lesson: &str, markdown: &str) -> Vec<EditorProblem> {
        let file = format!("lessons/{lesson}.md");
        problems
            .into_iter()
            .map(|problem| {
                let text = (problem.file.ends_with(&file) && problem.line > 0)
                    .then(|| markdown.lines().nth(problem.line as usize - 1))
                    .flatten()
                    .map(str::to_owned);
                EditorProblem { problem, text }
            })
            .collect()
    }
}

#[derive(Deserialize)]
pub struct LessonForm {
    csrf: String,
    markdown: String,
    action: LessonAction,
}

/// The lesson editor's buttons.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LessonAction {
    /// Show the rendered lesson and its problems; nothing is stored.
    Pratinjau,
    /// Publish the edited lesson as a new version of the course.
    Terbitkan,
}

pub async fn save_lesson(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<(String, String)>,
    form: web::Form<LessonForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf)?;
    let (slug, lesson) = path.into_inner();
    let (page, me) = signed_in(&req, user)?;
    let head = publishing::editable(&state, &me, &slug).await?;
    let title = publishing::lesson_title(&state, &head, &lesson).await?;
    let outcome = match form.action {
        LessonAction::Pratinjau => {
            let file = format!("lessons/{lesson}.md");
            publishing::preview(file, form.markdown.clone()).await
        }
        LessonAction::Terbitkan => {
            let published = publishing::edit_lesson(&state, &me, &head, &lesson, &form.markdown);
            let p = published.await;
            if let Ok(p) = &p {
                return Ok(redirect(&format!(
                    "/pengajar/kursus/{}?versi={}",
                    p.slug, p.version
                )));
            }
            p.map(|_| String::new())
        }
    };
    // The text stays in the form, with every problem above it: nothing typed is lost.
    let mut view = LessonEditor::new(&head, &lesson, &title, &form.markdown);
    let status = match outcome {
        Ok(html) => {
            view.preview = Some(html);
            StatusCode::OK
        }
        Err(e) => {
            let problems = problems_of(&e, &page, &state);
            view.problems = EditorProblem::of(problems, &lesson, &form.markdown);
            status_of(e.code)
        }
    };
    page.render(&state, "teach_lesson.html", status, view)
}

impl<'a> LessonEditor<'a> {
    fn new(
        head: &'a CourseHead,
        lesson: &'a str,
        lesson_title: &'a str,
        markdown: &'a str,
    ) -> Self {
        LessonEditor {
            course: CourseRef {
                slug: &head.slug,
                title: &head.title,
            },
            lesson,
            lesson_title,
            markdown,
            preview: None,
            problems: Vec::new(),
        }
    }
}

/// What a preview shows: the outline, one lesson, or one quiz's questions.
#[derive(Serialize)]
struct PreviewPage<'a> {
    course: CourseState<'a>,
    /// The version shown, and whether it is a draft (else it is the current version).
    version: i32,
    draft: bool,
    lessons: Vec<Item>,
    quizzes: Vec<Item>,
    lesson: Option<PreviewLesson>,
    quiz: Option<PreviewQuiz>,
}

#[derive(Serialize)]
struct PreviewLesson {
    title: String,
    html: String,
}

#[derive(Serialize)]
struct PreviewQuiz {
    title: String,
    questions: Vec<lentera_assessment::PublicQuestion>,
}

/// What of the course a preview page shows.
enum Shown<'a> {
    Outline,
    Lesson(&'a str),
    Quiz(&'a str),
}

/// The newest version of a course (its draft, if any) as learners will see it: the
/// outline, a lesson, or a quiz's questions (without answers). For its authors only.
async fn preview_page(
    state: &AppState,
    req: &HttpRequest,
    user: PageTeacher,
    slug: &str,
    shown: Shown<'_>,
) -> PageResult {
    let (page, me) = signed_in(req, user)?;
    let (head, compiled, version, draft) = publishing::draft_preview(state, &me, slug).await?;
    let lesson = match shown {
        Shown::Lesson(l) => Some(
            compiled
                .course
                .lesson(l)
                .map(|l| PreviewLesson {
                    title: l.title.clone(),
                    html: l.html.clone(),
                })
                .ok_or_else(|| Error::new(ErrorCode::LessonNotFound, format!("No lesson '{l}'")))?,
        ),
        _ => None,
    };
    let quiz = match shown {
        Shown::Quiz(q) => {
            let quiz = compiled
                .quiz(q)
                .ok_or_else(|| Error::new(ErrorCode::QuizNotFound, format!("No quiz '{q}'")))?;
            let layout = lentera_assessment::new_layout(quiz, 0);
            Some(PreviewQuiz {
                title: quiz.title.clone(),
                questions: lentera_assessment::public_questions(
                    quiz,
                    &layout,
                    &state.keys.quiz_salt,
                ),
            })
        }
        _ => None,
    };
    let view = PreviewPage {
        course: CourseState {
            slug: &head.slug,
            title: &head.title,
            published: head.published,
            version: head.version,
        },
        version,
        draft,
        lessons: Item::lessons(&compiled),
        quizzes: Item::quizzes(&compiled),
        lesson,
        quiz,
    };
    page.render(state, "teach_preview.html", StatusCode::OK, view)
}

pub async fn preview(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<String>,
) -> PageResult {
    preview_page(&state, &req, user, &path, Shown::Outline).await
}

pub async fn preview_lesson(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, lesson) = path.into_inner();
    preview_page(&state, &req, user, &slug, Shown::Lesson(&lesson)).await
}

pub async fn preview_quiz(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, quiz) = path.into_inner();
    preview_page(&state, &req, user, &slug, Shown::Quiz(&quiz)).await
}
