//! Quiz pages: the intro with past attempts, the attempt as one plain HTML form (works
//! without JavaScript; `quiz.js` only adds autosave), and the result.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use lentera_assessment::{
    self as assessment, CountedAttempt, PublicQuestion, Quiz, ResponseEntry, ReviewPolicy,
};
use serde::{Deserialize, Serialize};

use super::forms::{check_csrf, check_csrf_field};
use super::learn::CourseRef;
use super::page::{Page, PageResult, signed_in};
use crate::auth::PageUser;
use crate::error::ApiError;
use crate::respond::redirect;
use crate::state::AppState;
use lentera_assessment::QuestionType;
use lentera_domain::ErrorCode;
use lentera_domain::learning::{
    self, Attempt, Mark, ResultView, ReviewView, ReviewedQuestion, Submitted,
};
use lentera_domain::sessions::CurrentUser;
use lentera_domain::{AttemptId, AttemptState};

/// A percentage as learners read it: one decimal at most (69,6 % is not 70 %).
fn one_decimal(p: f64) -> f64 {
    (p * 10.0).round() / 10.0
}

/// A past attempt in the quiz's intro.
#[derive(Serialize)]
struct AttemptRow {
    id: AttemptId,
    number: i32,
    state: AttemptState,
    percent: Option<f64>,
    passed: Option<bool>,
    started_at: String,
}

impl AttemptRow {
    fn of(a: &Attempt, time_zone: &str) -> AttemptRow {
        AttemptRow {
            id: a.id,
            number: a.number,
            state: a.state,
            percent: a.percent.map(one_decimal),
            passed: a.passed,
            started_at: learning::local_time(a.started_at, time_zone),
        }
    }
}

#[derive(Serialize)]
struct QuizPage<'a> {
    course: CourseRef<'a>,
    quiz: QuizCard<'a>,
    attempts: Vec<AttemptRow>,
    counted: Option<CountedView>,
    wait_until: Option<String>,
    open: bool,
    attempts_left: Option<usize>,
    can_start: bool,
    /// Attempts at this quiz an instructor graded lately.
    graded: &'a [learning::GradedNews],
    /// The lesson just marked done, when the learner came here from it.
    just_done: Option<String>,
}

#[derive(Serialize)]
struct QuizCard<'a> {
    slug: &'a str,
    title: &'a str,
    questions: usize,
    pass_percent: f64,
    max_attempts: u32,
    time_limit: Option<u32>,
    cooldown: u32,
    counts: CountedAttempt,
    review: ReviewPolicy,
}

#[derive(Serialize)]
struct CountedView {
    number: i32,
    percent: Option<f64>,
    passed: Option<bool>,
}

pub async fn intro(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
    q: web::Query<super::learn::DoneQuery>,
) -> PageResult {
    let (slug, quiz_slug) = path.into_inner();
    let (page, me) = signed_in(&req, user)?;
    let intro = learning::quiz_intro(&state, &me.user, &slug, &quiz_slug).await?;
    if !intro.enrolled {
        return Ok(redirect(&format!("/kursus/{}", intro.head.slug)));
    }
    let just_done = super::learn::just_done(&intro.compiled, q.selesai.as_deref());
    let view = QuizPage::of(&intro, &me.user.time_zone, just_done);
    page.render(&state, "quiz.html", StatusCode::OK, view)
}

impl<'a> QuizPage<'a> {
    /// The quiz's rules and where the learner stands: past attempts, the one that counts,
    /// attempts left and when the next may start, essays graded lately.
    fn of(intro: &'a learning::QuizIntro, tz: &str, just_done: Option<String>) -> Self {
        let (quiz, attempts) = (&*intro.quiz, &intro.attempts);
        let open = attempts.iter().any(|a| a.state == AttemptState::Open);
        let left = (quiz.max_attempts > 0)
            .then(|| (quiz.max_attempts as usize).saturating_sub(attempts.len()));
        let wait_until =
            learning::next_attempt_at(quiz, attempts).filter(|at| *at > chrono::Utc::now());
        QuizPage {
            course: CourseRef {
                slug: &intro.head.slug,
                title: &intro.head.title,
            },
            quiz: QuizCard {
                slug: &quiz.slug,
                title: &quiz.title,
                questions: quiz.questions_per_attempt(),
                pass_percent: quiz.pass_percent,
                max_attempts: quiz.max_attempts,
                time_limit: quiz.time_limit_minutes,
                cooldown: quiz.cooldown_minutes,
                counts: quiz.counts,
                review: quiz.review,
            },
            attempts: attempts.iter().map(|a| AttemptRow::of(a, tz)).collect(),
            counted: learning::counted_attempt(quiz, attempts).map(|a| CountedView {
                number: a.number,
                percent: a.percent.map(one_decimal),
                passed: a.passed,
            }),
            can_start: open || (left != Some(0) && wait_until.is_none()),
            wait_until: wait_until.map(|at| learning::local_time(at, tz)),
            open,
            attempts_left: left,
            graded: &intro.graded,
            just_done,
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn start(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
    form: web::Form<CsrfForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf)?;
    let (slug, quiz_slug) = path.into_inner();
    let (_, me) = signed_in(&req, user)?;
    let me = me.user;
    let (head, compiled) = learning::course(&state, &slug).await?;
    let (attempt, _) = learning::start_attempt(&state, &me, &head, &compiled, &quiz_slug).await?;
    Ok(redirect(&format!("/percobaan/{}", attempt.id)))
}

/// Values typed into the form that could not be saved, shown again with their message.
type Rejected = HashMap<String, (String, String)>;

/// One question of the attempt form, with what the learner has answered so far.
#[derive(Serialize)]
struct QuestionView {
    number: usize,
    id: String,
    kind: QuestionType,
    prompt_html: String,
    points: String,
    options: Vec<OptionView>,
    left: Vec<LeftView>,
    right: Vec<RightView>,
    positions: Vec<usize>,
    text: String,
    error: Option<String>,
}

#[derive(Serialize)]
struct OptionView {
    id: String,
    html: String,
    checked: bool,
    /// The place given in an ordering question (1-based).
    position: usize,
}

#[derive(Serialize)]
struct LeftView {
    id: String,
    html: String,
    selected: Option<String>,
}

/// A matching question's right-hand side, as plain text for a `<select>`.
#[derive(Serialize)]
struct RightView {
    id: String,
    html: String,
}

/// The attempt's questions with what the learner has answered so far, for the form.
fn question_views(
    state: &AppState,
    attempt: &Attempt,
    quiz: &Quiz,
    saved: &[ResponseEntry],
    rejected: &Rejected,
) -> Result<Vec<QuestionView>, ApiError> {
    let layout = learning::layout_of(attempt)?;
    let answers: HashMap<&str, &ResponseEntry> =
        saved.iter().map(|r| (r.question.as_str(), r)).collect();
    let public = assessment::public_questions(quiz, &layout, &state.keys.quiz_salt);
    // Descriptions (text between questions) are shown but neither numbered nor counted.
    let mut number = 0;
    Ok(public
        .into_iter()
        .map(|q| {
            if q.kind != QuestionType::Description {
                number += 1;
            }
            let answer = answers.get(q.id.as_str()).copied();
            question_view(number, q, answer, rejected)
        })
        .collect())
}

fn question_view(
    number: usize,
    q: PublicQuestion,
    answer: Option<&ResponseEntry>,
    rejected: &Rejected,
) -> QuestionView {
    let choices: Vec<&str> = answer
        .and_then(|a| a.choices.as_ref())
        .map(|c| c.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let order = answer.and_then(|a| a.order.as_ref());
    let options = q
        .options
        .iter()
        .flatten()
        .enumerate()
        .map(|(pos, o)| OptionView {
            checked: choices.contains(&o.id.as_str()),
            position: order
                .and_then(|order| order.iter().position(|id| *id == o.id))
                .map_or(pos + 1, |p| p + 1),
            id: o.id.clone(),
            html: o.html.clone(),
        })
        .collect();
    let pairs: HashMap<&str, &str> = answer
        .and_then(|a| a.pairs.as_ref())
        .map(|p| p.iter().map(|[l, r]| (l.as_str(), r.as_str())).collect())
        .unwrap_or_default();
    let left = q
        .left
        .iter()
        .flatten()
        .map(|l| LeftView {
            selected: pairs.get(l.id.as_str()).map(|r| (*r).to_owned()),
            id: l.id.clone(),
            html: l.html.clone(),
        })
        .collect();
    let right = q
        .right
        .iter()
        .flatten()
        .map(|r| RightView {
            id: r.id.clone(),
            html: lentera_domain::text::plain_text(&r.html),
        })
        .collect();
    let (text, error) = match rejected.get(&q.id) {
        Some((raw, message)) => (raw.clone(), Some(message.clone())),
        None => (
            answer
                .and_then(|a| a.text.clone().or_else(|| a.number.map(|n| n.to_string())))
                .unwrap_or_default(),
            None,
        ),
    };
    QuestionView {
        number,
        positions: (1..=q.options.as_ref().map_or(0, Vec::len)).collect(),
        id: q.id,
        kind: q.kind,
        prompt_html: q.prompt_html,
        points: format!("{}", q.points),
        options,
        left,
        right,
        text,
        error,
    }
}

/// Questions per page of the attempt form: small pages load quickly over a slow link, and
/// "next" saves what is on the page, so nothing depends on JavaScript.
const PER_PAGE: usize = 5;

fn page_count(questions: usize) -> usize {
    questions.div_ceil(PER_PAGE).max(1)
}

/// What to show on the attempt form besides the questions.
struct FormState<'a> {
    rejected: &'a Rejected,
    status: StatusCode,
    saved_notice: bool,
    /// 1-based, clamped to the pages there are.
    page: usize,
}

impl<'a> FormState<'a> {
    /// The form again, with the answers that could not be taken and their messages.
    fn refused(rejected: &'a Rejected, page: usize) -> Self {
        FormState {
            rejected,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            saved_notice: false,
            page,
        }
    }
}

/// Whether a saved response answers its question: a choice, a text, a number, a pair or an
/// order (a cleared answer is saved empty and does not count).
fn has_answer(r: &ResponseEntry) -> bool {
    r.choices.as_ref().is_some_and(|c| !c.is_empty())
        || r.text.as_ref().is_some_and(|t| !t.trim().is_empty())
        || r.number.is_some()
        || r.pairs.as_ref().is_some_and(|p| !p.is_empty())
        || r.order.as_ref().is_some_and(|o| !o.is_empty())
}

async fn render_attempt(
    state: &AppState,
    page: &Page,
    attempt: &Attempt,
    quiz: &Quiz,
    form: FormState<'_>,
) -> PageResult {
    let saved = learning::saved_responses(state, attempt).await?;
    let all = question_views(state, attempt, quiz, &saved, form.rejected)?;
    let time_zone = page
        .user
        .as_ref()
        .map_or("WIB", |u| u.user.time_zone.as_str());
    let view = AttemptPage::of(attempt, quiz, &all, &saved, &form, time_zone);
    page.render(state, "attempt.html", form.status, view)
}

impl<'a> AttemptPage<'a> {
    /// The page of the attempt to show (the first with a refused answer, else the one asked
    /// for), the navigator with each page's answered questions as saved, and every refused
    /// answer for the error summary, on this page or another.
    fn of(
        attempt: &Attempt,
        quiz: &'a Quiz,
        all: &'a [QuestionView],
        saved: &[ResponseEntry],
        form: &FormState<'_>,
        time_zone: &str,
    ) -> Self {
        let pages = page_count(all.len());
        let page_of = |i: usize| i / PER_PAGE + 1;
        let refused_page = all
            .iter()
            .position(|q| form.rejected.contains_key(&q.id))
            .map(page_of);
        let current = refused_page.unwrap_or(form.page).clamp(1, pages);
        let answered: std::collections::HashSet<&str> = saved
            .iter()
            .filter(|r| has_answer(r))
            .map(|r| r.question.as_str())
            .collect();
        let count = |n: usize| {
            all.iter()
                .skip((n - 1) * PER_PAGE)
                .take(PER_PAGE)
                .filter(|q| answered.contains(q.id.as_str()))
                .count()
        };
        let nav = (1..=pages)
            .map(|n| NavPage {
                number: n,
                current: n == current,
                answered: count(n),
                total: all
                    .iter()
                    .skip((n - 1) * PER_PAGE)
                    .take(PER_PAGE)
                    .filter(|q| q.kind != QuestionType::Description)
                    .count(),
            })
            .collect();
        let refused = all
            .iter()
            .enumerate()
            .filter_map(|(i, q)| {
                q.error.as_ref().map(|message| Refused {
                    number: q.number,
                    id: q.id.clone(),
                    message: message.clone(),
                    page: page_of(i),
                    here: page_of(i) == current,
                })
            })
            .collect();
        AttemptPage {
            attempt: AttemptHead {
                id: attempt.id,
                number: attempt.number,
                deadline: attempt.deadline.map(|d| learning::local_time(d, time_zone)),
            },
            quiz: QuizTitle { title: &quiz.title },
            questions: all
                .iter()
                .skip((current - 1) * PER_PAGE)
                .take(PER_PAGE)
                .collect(),
            saved_notice: form.saved_notice,
            has_errors: !form.rejected.is_empty(),
            refused,
            page: current,
            pages,
            nav,
            is_first: current == 1,
            is_last: current == pages,
            answered: answered.len(),
            answered_here: count(current),
            total: all
                .iter()
                .filter(|q| q.kind != QuestionType::Description)
                .count(),
        }
    }
}

#[derive(Serialize)]
struct AttemptPage<'a> {
    attempt: AttemptHead,
    quiz: QuizTitle<'a>,
    questions: Vec<&'a QuestionView>,
    saved_notice: bool,
    has_errors: bool,
    /// Every refused answer, for the error summary.
    refused: Vec<Refused>,
    page: usize,
    pages: usize,
    nav: Vec<NavPage>,
    is_first: bool,
    is_last: bool,
    answered: usize,
    /// Answered on the page shown (the page's script recounts these after saving).
    answered_here: usize,
    total: usize,
}

/// A refused answer in the error summary: a link to its field, on this page or another.
#[derive(Serialize)]
struct Refused {
    number: usize,
    id: String,
    message: String,
    page: usize,
    here: bool,
}

#[derive(Serialize)]
struct AttemptHead {
    id: AttemptId,
    number: i32,
    deadline: Option<String>,
}

#[derive(Serialize)]
struct QuizTitle<'a> {
    title: &'a str,
}

/// A page of the attempt in the navigator: how many of its questions are answered.
#[derive(Serialize)]
struct NavPage {
    number: usize,
    current: bool,
    answered: usize,
    total: usize,
}

#[derive(Deserialize)]
pub struct ShowQuery {
    disimpan: Option<String>,
    halaman: Option<usize>,
}

pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<AttemptId>,
    q: web::Query<ShowQuery>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let me = me.user;
    let (attempt, _, quiz) = learning::load_attempt(&state, &me, path.into_inner()).await?;
    if attempt.state != AttemptState::Open {
        return Ok(redirect(&format!("/percobaan/{}/hasil", attempt.id)));
    }
    let form = FormState {
        rejected: &Rejected::new(),
        status: StatusCode::OK,
        saved_notice: q.disimpan.is_some(),
        page: q.halaman.unwrap_or(1),
    };
    render_attempt(&state, &page, &attempt, &quiz, form).await
}

/// Turns the form fields into response entries. Field names: `a.{question}` for choices
/// and typed answers, `m.{question}.{left or item id}` for matching and ordering.
fn parse_form(
    quiz: &Quiz,
    state: &AppState,
    attempt: &Attempt,
    fields: &[(String, String)],
    page: &Page,
) -> Result<(Vec<ResponseEntry>, Rejected), ApiError> {
    let layout = learning::layout_of(attempt)?;
    let public = assessment::public_questions(quiz, &layout, &state.keys.quiz_salt);
    let mut entries = Vec::new();
    let mut rejected = Rejected::new();
    let values = |name: &str| -> Vec<&str> {
        fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    for q in &public {
        let name = format!("a.{}", q.id);
        let first = values(&name)
            .first()
            .map(|v| v.trim().to_owned())
            .unwrap_or_default();
        let mut entry = ResponseEntry {
            question: q.id.clone(),
            choices: None,
            text: None,
            number: None,
            pairs: None,
            order: None,
        };
        match q.kind {
            QuestionType::SingleChoice | QuestionType::TrueFalse => {
                if first.is_empty() {
                    continue;
                }
                entry.choices = Some(vec![first]);
            }
            // Unticking every box sends nothing, so the form marks each question it showed:
            // a shown question with no box ticked is cleared, an absent one is left alone.
            QuestionType::MultipleChoice => {
                if !fields.iter().any(|(k, v)| k == "shown" && *v == q.id) {
                    continue;
                }
                entry.choices = Some(values(&name).into_iter().map(str::to_owned).collect());
            }
            // A text emptied on the page is saved empty (the answer is taken back); one that
            // was not on the page is left alone.
            QuestionType::ShortAnswer | QuestionType::Essay => {
                if first.is_empty() {
                    if !fields.iter().any(|(k, v)| k == "shown" && *v == q.id) {
                        continue;
                    }
                    entry.text = Some(String::new());
                    entries.push(entry);
                    continue;
                }
                entry.text = Some(
                    values(&name)
                        .first()
                        .map(|v| (*v).to_owned())
                        .unwrap_or_default(),
                );
            }
            QuestionType::Numerical => {
                if first.is_empty() {
                    continue;
                }
                // Indonesian writes 4,5 for 4.5; accept both.
                match first.replace(',', ".").parse::<f64>() {
                    Ok(n) if n.is_finite() => entry.number = Some(n),
                    _ => {
                        let msg = page.t(&state.locales, "attempt.number_invalid");
                        rejected.insert(q.id.clone(), (first, msg.to_owned()));
                        continue;
                    }
                }
            }
            QuestionType::Matching => {
                let pairs: Vec<[String; 2]> = q
                    .left
                    .iter()
                    .flatten()
                    .filter_map(|l| {
                        values(&format!("m.{}.{}", q.id, l.id))
                            .first()
                            .filter(|v| !v.is_empty())
                            .map(|r| [l.id.clone(), (*r).to_owned()])
                    })
                    .collect();
                if pairs.is_empty() {
                    continue;
                }
                entry.pairs = Some(pairs);
            }
            QuestionType::Ordering => {
                let mut placed: Vec<(usize, String)> = Vec::new();
                for item in q.options.iter().flatten() {
                    if let Some(pos) = values(&format!("m.{}.{}", q.id, item.id))
                        .first()
                        .and_then(|v| v.parse::<usize>().ok())
                    {
                        placed.push((pos, item.id.clone()));
                    }
                }
                placed.sort();
                let distinct = placed.windows(2).all(|w| w[0].0 != w[1].0);
                if !distinct {
                    let msg = page.t(&state.locales, "attempt.position_twice");
                    rejected.insert(q.id.clone(), (String::new(), msg.to_owned()));
                    continue;
                }
                if placed.is_empty() {
                    continue;
                }
                entry.order = Some(placed.into_iter().map(|(_, id)| id).collect());
            }
            QuestionType::Description => continue,
        }
        entries.push(entry);
    }
    Ok((entries, rejected))
}

/// The attempt form's buttons (`action`): save and stay, go to the next or previous page,
/// or submit. A missing or unknown value saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AttemptAction {
    Save,
    Next,
    Previous,
    Submit,
}

impl AttemptAction {
    fn parse(value: Option<&str>) -> AttemptAction {
        match value {
            Some("berikutnya") => AttemptAction::Next,
            Some("sebelumnya") => AttemptAction::Previous,
            Some("kirim") => AttemptAction::Submit,
            _ => AttemptAction::Save,
        }
    }
}

pub async fn answer(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<AttemptId>,
    form: web::Form<Vec<(String, String)>>,
) -> PageResult {
    let fields = form.into_inner();
    check_csrf_field(&req, &fields)?;
    let nav = Navigation::of(&fields);
    let autosave = req.headers().contains_key("x-lentera-autosave");
    let (page, me) = signed_in(&req, user)?;
    let (attempt, _, quiz) = learning::load_attempt(&state, &me.user, path.into_inner()).await?;
    let result = format!("/percobaan/{}/hasil", attempt.id);
    if attempt.state != AttemptState::Open {
        return Ok(redirect(&result));
    }
    let (entries, rejected) = parse_form(&quiz, &state, &attempt, &fields, &page)?;
    // Whatever is valid is saved first, so nothing typed is lost even when some field is not.
    if !save(&state, &me, &attempt, &quiz, &entries).await? {
        return Ok(redirect(&result));
    }
    if autosave {
        // The page's script only needs to know whether everything was taken.
        let status = match rejected.is_empty() {
            true => StatusCode::NO_CONTENT,
            false => StatusCode::UNPROCESSABLE_ENTITY,
        };
        return Ok(HttpResponse::build(status).finish());
    }
    if !rejected.is_empty() {
        let form = FormState::refused(&rejected, nav.on_page);
        return render_attempt(&state, &page, &attempt, &quiz, form).await;
    }
    if nav.action == AttemptAction::Submit {
        submit(&state, &me, &attempt, &quiz).await?;
        return Ok(redirect(&result));
    }
    Ok(redirect(&nav.after_saving(attempt.id)))
}

/// Saves the answers; `false` when the deadline passed (the attempt was then graded).
async fn save(
    state: &AppState,
    me: &CurrentUser,
    attempt: &Attempt,
    quiz: &Quiz,
    entries: &[ResponseEntry],
) -> Result<bool, ApiError> {
    match learning::save_responses(state, attempt, quiz, entries).await {
        Ok(()) => Ok(true),
        Err(e) if e.code == ErrorCode::DeadlinePassed => {
            learning::load_attempt(state, &me.user, attempt.id).await?;
            Ok(false)
        }
        Err(e) => Err(ApiError::from(e)),
    }
}

/// Submits the attempt; one submitted already (another tab) is as good.
async fn submit(
    state: &AppState,
    me: &CurrentUser,
    attempt: &Attempt,
    quiz: &Quiz,
) -> Result<(), ApiError> {
    match learning::submit(state, &me.user, attempt, quiz, &[]).await {
        Ok(_) => Ok(()),
        Err(e) if e.code == ErrorCode::AttemptAlreadySubmitted => Ok(()),
        Err(e) => Err(ApiError::from(e)),
    }
}

/// Which button was pressed and which page the form showed.
struct Navigation {
    action: AttemptAction,
    on_page: usize,
    /// A page picked in the navigator (`ke`).
    picked: Option<usize>,
}

impl Navigation {
    fn of(fields: &[(String, String)]) -> Navigation {
        let field = |name: &str| super::forms::form_field(fields, name);
        Navigation {
            action: AttemptAction::parse(field("action")),
            on_page: field("halaman").and_then(|v| v.parse().ok()).unwrap_or(1),
            picked: field("ke").and_then(|v| v.parse().ok()),
        }
    }

    /// Where to go after saving: the next or previous page, a page picked in the
    /// navigator, or the same page with a "saved" notice.
    fn after_saving(&self, id: AttemptId) -> String {
        let target = match (self.action, self.picked) {
            (AttemptAction::Next, _) => Some(self.on_page.saturating_add(1)),
            (AttemptAction::Previous, _) => Some(self.on_page.saturating_sub(1).max(1)),
            (_, Some(n)) => Some(n.max(1)),
            _ => None,
        };
        match target {
            Some(n) => format!("/percobaan/{id}?halaman={n}"),
            None => format!("/percobaan/{id}?halaman={}&disimpan=1", self.on_page),
        }
    }
}

pub async fn result(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<AttemptId>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let tz = me.user.time_zone.clone();
    match learning::result_view(&state, &me.user, path.into_inner()).await? {
        Submitted::Open(id) => Ok(redirect(&format!("/percobaan/{id}"))),
        Submitted::Closed(view) => {
            let view = ResultPage::of(&view, &tz);
            page.render(&state, "result.html", StatusCode::OK, view)
        }
    }
}

/// The result page: the outcome and the next step first, then each question marked.
#[derive(Serialize)]
struct ResultPage<'a> {
    course: CourseRef<'a>,
    quiz: QuizResultHead<'a>,
    attempt: ResultHead,
    next: NextStep,
    review: &'a ReviewView,
    /// How many questions were right, partly right, wrong, waiting for a grade.
    marks: MarkCounts,
    /// Per question: whether its right answer is shown (the review allows it and the
    /// learner's answer was not right).
    questions: Vec<ReviewedView<'a>>,
}

/// What the learner does now, in the order the page says it.
#[derive(Serialize)]
struct NextStep {
    /// The course is complete: its certificate's code and number.
    certificate: Option<(String, String)>,
    /// The next item of the course to do, and the required ones still to do.
    next: Option<super::learn::Link>,
    remaining: Vec<super::learn::Link>,
    /// Another attempt may start now (the quiz is not passed yet), or from this moment.
    can_retry: bool,
    retry_at: Option<String>,
    attempts_left: Option<usize>,
    quiz_passed: bool,
}

#[derive(Serialize, Default)]
struct MarkCounts {
    right: usize,
    partly_right: usize,
    wrong: usize,
    pending: usize,
}

#[derive(Serialize)]
struct ReviewedView<'a> {
    #[serde(flatten)]
    q: &'a ReviewedQuestion,
    /// The right answer is worth showing: the learner's differs from it.
    show_correct: bool,
}

impl<'a> ResultPage<'a> {
    fn of(v: &'a ResultView, tz: &str) -> Self {
        let slug = &v.compiled.course.slug;
        let progress = v.progress.as_ref();
        // An essay waiting for its grade is not something left to do for the learner.
        let waiting = v.attempt.state == AttemptState::PendingReview;
        let remaining = progress
            .map(|p| {
                p.remaining
                    .iter()
                    .filter(|n| !(waiting && n.kind == "quiz" && n.slug == v.quiz.slug))
                    .map(|n| super::learn::next_link(slug, n))
                    .collect()
            })
            .unwrap_or_default();
        let mut marks = MarkCounts::default();
        for q in &v.review.questions {
            match q.mark {
                Mark::Right => marks.right += 1,
                Mark::PartlyRight => marks.partly_right += 1,
                Mark::Wrong => marks.wrong += 1,
                Mark::Pending => marks.pending += 1,
                Mark::Unmarked => {}
            }
        }
        ResultPage {
            course: CourseRef {
                slug,
                title: &v.compiled.course.title,
            },
            quiz: QuizResultHead {
                slug: &v.quiz.slug,
                title: &v.quiz.title,
                pass_percent: v.quiz.pass_percent,
            },
            attempt: ResultHead::of(&v.attempt),
            next: NextStep {
                certificate: v
                    .certificate
                    .as_ref()
                    .map(|c| (c.code.clone(), c.number.clone())),
                next: progress
                    .and_then(|p| p.next.as_ref())
                    .filter(|n| !(waiting && n.kind == "quiz" && n.slug == v.quiz.slug))
                    .map(|n| super::learn::next_link(slug, n)),
                remaining,
                can_retry: !v.quiz_passed
                    && !waiting
                    && v.attempts_left != Some(0)
                    && v.next_attempt_at.is_none(),
                retry_at: v.next_attempt_at.map(|at| learning::local_time(at, tz)),
                attempts_left: v.attempts_left,
                quiz_passed: v.quiz_passed,
            },
            review: &v.review,
            marks,
            questions: v
                .review
                .questions
                .iter()
                .map(|q| ReviewedView {
                    show_correct: q.question.correct.is_some() && q.mark != Mark::Right,
                    q,
                })
                .collect(),
        }
    }
}

impl ResultHead {
    fn of(attempt: &Attempt) -> ResultHead {
        ResultHead {
            id: attempt.id,
            number: attempt.number,
            state: attempt.state,
            score: attempt.score,
            max_score: attempt.max_score,
            percent: attempt.percent.map(one_decimal),
            passed: attempt.passed.unwrap_or(false),
        }
    }
}

#[derive(Serialize)]
struct QuizResultHead<'a> {
    slug: &'a str,
    title: &'a str,
    pass_percent: f64,
}

#[derive(Serialize)]
struct ResultHead {
    id: AttemptId,
    number: i32,
    state: AttemptState,
    score: Option<f64>,
    max_score: Option<f64>,
    percent: Option<f64>,
    passed: bool,
}
