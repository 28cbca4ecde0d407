//! Certificates: their public verification (API and page), their PDF, Open Badges
//! credential and zips, and the holder's own list.

use lentera_certificate::{CertificatePayload, is_plausible_code, mask_nip};

use serde::Serialize;
use utoipa::ToSchema;

use crate::Lentera;
use crate::error::{Error, ErrorCode, Result};
use crate::{CertificateKind, Jp, UnitId};
use lentera_store::learning::{self, Certificate};

/// The certificate with this code; `None` for an unknown or malformed code (a malformed
/// code never reaches the database).
pub async fn find(state: &Lentera, code: &str) -> Result<Option<Certificate>> {
    let code = code.trim().to_ascii_uppercase();
    if !is_plausible_code(&code) {
        return Ok(None);
    }
    Ok(learning::certificate_by_code(&state.db, &code).await?)
}

/// A printed certificate number as people type it (`lnt-2026-000001`, `LNT 2026 000001`,
/// `LNT2026000001`) in its printed form (`LNT-2026-000001`); `None` for what cannot be one.
pub fn printed_number(input: &str) -> Option<String> {
    let compact: String = input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let digits = compact.strip_prefix("LNT")?;
    let (year, sequence) = (digits.get(..4)?, digits.get(4..)?);
    let plausible = (6..=12).contains(&sequence.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && input.chars().count() <= 64;
    plausible.then(|| format!("LNT-{year}-{sequence}"))
}

/// A NIP as people type it, grouped by spaces, dots or dashes (`19850315 201001 1 003`).
pub fn typed_nip(input: &str) -> std::result::Result<crate::Nip, crate::nip::NipError> {
    let digits: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-'))
        .collect();
    crate::Nip::parse(&digits)
}

/// What a visitor asks the public look-up with: the verification code (the QR code's),
/// or the printed number together with the holder's NIP, both printed on the document.
#[derive(Debug, Clone, Copy)]
pub enum Asked<'a> {
    Code(&'a str),
    Number { number: &'a str, nip: &'a str },
}

/// The public look-up, rate-limited per client address ([`check_rate`]): the certificate
/// asked for, or `None`. A number alone reveals nothing: it is looked up only together with
/// its holder's NIP, in one query, so a number that exists with another NIP and one that
/// does not exist are answered alike ("not found"), and the rate limit keeps guessing NIPs
/// as slow as guessing codes.
pub async fn look_up(
    state: &Lentera,
    address: &str,
    asked: Asked<'_>,
) -> Result<Option<Certificate>> {
    check_rate(state, address).await?;
    match asked {
        Asked::Code(code) => find(state, code).await,
        Asked::Number { number, nip } => {
            let (Some(number), Ok(nip)) = (printed_number(number), typed_nip(nip)) else {
                return Ok(None);
            };
            Ok(learning::certificate_by_number_and_nip(&state.db, &number, &nip).await?)
        }
    }
}

/// The public look-up answer: the payload, its Ed25519 signature over the RFC 8785
/// canonical JSON, and the key that made it. Ed25519 is deterministic, so signing on
/// look-up gives the same signature every time for the same certificate and key.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Lookup {
    /// Issued and not revoked.
    pub valid: bool,
    pub revoked: bool,
    pub revoked_at: Option<String>,
    pub revocation_reason: Option<String>,
    /// What is signed: the certificate with the holder's NIP masked.
    pub certificate: CertificatePayload,
    pub signed: bool,
    /// Base64 Ed25519 signature over the RFC 8785 canonical JSON of `certificate`.
    pub signature: String,
    pub key_id: String,
    /// Outside the signed payload: where the current status (revocation) is read.
    pub verify_url: String,
}

pub fn lookup(state: &Lentera, c: &Certificate) -> Result<Lookup> {
    let certificate = payload(c);
    let key = &state.keys.certificates;
    let signature = key.sign(&certificate).map_err(Error::internal)?;
    Ok(Lookup {
        valid: c.revoked_at.is_none(),
        revoked: c.revoked_at.is_some(),
        revoked_at: c.revoked_at.map(|d| d.to_rfc3339()),
        revocation_reason: c.revocation_reason.clone(),
        certificate,
        signed: true,
        signature,
        key_id: key.key_id(),
        verify_url: format!("{}/verifikasi/{}", state.config.public_url, c.code),
    })
}

/// The issuer's controlled identifier document, as `GET /api/v1/certificates/keys` serves
/// it: the key as a `Multikey` for credential verifiers, and the `keys` list (id, Ed25519,
/// base64) for the offline verifier ([`crate::credentials::controller`]).
pub fn keys_json(state: &Lentera) -> serde_json::Value {
    crate::credentials::controller(state)
}

pub fn payload(c: &Certificate) -> CertificatePayload {
    CertificatePayload {
        number: c.number.clone(),
        holder_name: c.holder_name.clone(),
        nip_masked: c.holder_nip.as_ref().map(|n| mask_nip(n.as_str())),
        course_title: c.course_title.clone(),
        course_slug: c.course_slug.clone(),
        course_version: c.course_version,
        jp: c.jp.0,
        issued_at: c.issued_at.to_rfc3339(),
        issuer: c.issuer.clone(),
    }
}

/// Public look-ups per client address: enough for anyone checking certificates by hand,
/// far too few to enumerate codes.
pub async fn check_rate(state: &Lentera, address: &str) -> Result<()> {
    if !state.verify_by_address.allow(address).await? {
        return Err(Error::new(
            ErrorCode::TooManyRequests,
            "Too many certificate look-ups from this address; wait a minute",
        ));
    }
    Ok(())
}

/// How much of the holder's NIP a PDF shows: all of it only to someone the policy allows
/// ([`crate::policy::Action::ReadFullCertificate`]), masked as on the verification page to
/// anyone else.
#[derive(Debug, Clone, Copy)]
pub enum NipShown {
    Full(crate::policy::Granted),
    Masked,
}

/// The certificate's PDF (A4 landscape, Bahasa Indonesia, QR code to the verification page),
/// drawn in the heavy pool. It names the instansi that issued it (with its signatory and
/// predikat thresholds as they are set now), and what the certificate kept when it was
/// issued: the holder's unit, the training period (enrolment to completion) and the counted
/// score; a second page lists the course's modules.
pub async fn pdf(state: &Lentera, c: &Certificate, nip: NipShown) -> Result<Vec<u8>> {
    let doc = lentera_certificate::PdfCertificate {
        holder_name: c.holder_name.clone(),
        holder_nip: match nip {
            NipShown::Full(_) => c.holder_nip.as_ref().map(|n| n.to_string()),
            NipShown::Masked => c.holder_nip.as_ref().map(|n| mask_nip(n.as_str())),
        },
        course_title: c.course_title.clone(),
        jp: c.jp.0,
        issued_on: c.issued_at.date_naive(),
        number: c.number.clone(),
        issuer: c.issuer.clone(),
        verify_url: format!("{}/verifikasi/{}", state.config.public_url, c.code),
        revoked: c.revoked_at.is_some(),
    };
    let extras = extras(state, c).await?;
    crate::heavy::work(PDF_BUDGET, move || {
        lentera_certificate::certificate_pdf_with(&doc, &extras)
    })
    .await?
    .map_err(Error::internal)
}

/// What the certificate prints beyond its number and holder.
async fn extras(state: &Lentera, c: &Certificate) -> Result<lentera_certificate::PdfExtras> {
    let units = lentera_store::org::all_units(&state.db).await?;
    let mut extras = lentera_certificate::PdfExtras {
        unit: c.holder_unit.clone(),
        period: c.enrolled_at.and_then(|start| {
            lentera_certificate::TrainingPeriod::new(start.date_naive(), c.issued_at.date_naive())
                .ok()
        }),
        score: c.score,
        modules: modules_of(state, c).await?,
        statement: statement(c).map(str::to_owned),
        annex_heading: annex_heading(c).map(str::to_owned),
        ..Default::default()
    };
    if let Some(unit) = c
        .instansi_id
        .and_then(|id| units.iter().find(|u| u.id == id))
    {
        let (signatory, thresholds) = crate::admin::instansi_settings(state, unit).await?;
        extras.instansi = Some(lentera_certificate::Instansi {
            name: unit.name.clone(),
            signatory,
        });
        extras.thresholds = thresholds;
    }
    Ok(extras)
}

/// The modules of the course version the certificate was earned on (its lessons and
/// quizzes by title), for the annex; none when that version is gone.
async fn modules_of(
    state: &Lentera,
    c: &Certificate,
) -> Result<Vec<lentera_certificate::ModuleOutline>> {
    use lentera_certificate::{ModuleItem, ModuleItemKind, ModuleOutline};
    if let (CertificateKind::Path, Some(slug)) = (c.kind, &c.subject) {
        return crate::paths::annex(state, slug).await;
    }
    let Some(course_id) = c.course_id else {
        return Ok(Vec::new());
    };
    let versions = lentera_store::courses::versions(&state.db, course_id).await?;
    let Some(version) = versions.iter().find(|v| v.version == c.course_version) else {
        return Ok(Vec::new());
    };
    let compiled = state.courses.version(&state.db, version.id).await?;
    let mut modules: Vec<ModuleOutline> = Vec::new();
    for entry in crate::learning::outline(&compiled) {
        if modules.last().is_none_or(|m| m.title != entry.module) {
            modules.push(ModuleOutline {
                title: entry.module.clone(),
                items: Vec::new(),
            });
        }
        if let Some(module) = modules.last_mut() {
            module.items.push(ModuleItem {
                title: entry.title,
                kind: match entry.kind {
                    lentera_content::ItemKind::Lesson => ModuleItemKind::Lesson,
                    lentera_content::ItemKind::Quiz => ModuleItemKind::Quiz,
                },
            });
        }
    }
    Ok(modules)
}

/// The annex's heading for a certificate that is not a course's (`None`: "Daftar Modul
/// Pelatihan").
pub fn annex_heading(c: &Certificate) -> Option<&'static str> {
    match c.kind {
        CertificateKind::Path => Some("Daftar Kursus Jalur Belajar"),
        CertificateKind::Course | CertificateKind::Event => None,
    }
}

/// What the holder of a certificate that is not a course's did, as the PDF and the badge
/// say it (`None` for a course: "telah menyelesaikan pelatihan").
pub fn statement(c: &Certificate) -> Option<&'static str> {
    match c.kind {
        CertificateKind::Course => None,
        CertificateKind::Path => Some("telah menyelesaikan jalur belajar"),
        CertificateKind::Event => Some("telah mengikuti kegiatan pengembangan kompetensi"),
    }
}

/// The page of what a certificate is for, under the public URL.
pub fn subject_path(c: &Certificate) -> String {
    match (c.kind, &c.subject) {
        (CertificateKind::Path, Some(slug)) => format!("/jalur/{slug}"),
        (CertificateKind::Event, Some(id)) => format!("/acara/{id}"),
        _ => format!("/kursus/{}", c.course_slug),
    }
}

/// A certificate of a learning path completed or an event attended, to issue.
#[derive(Debug, Clone)]
pub struct OtherCertificate {
    /// [`CertificateKind::Path`] or [`CertificateKind::Event`].
    pub kind: CertificateKind,
    /// The path's slug or the event's id.
    pub subject: String,
    /// A slug-like name (the path's slug; for an event e.g. `acara-12`).
    pub slug: String,
    pub title: String,
    pub jp: crate::Jp,
    /// When it began: the training period printed runs from here to the issue date.
    pub started_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The certificate of a path completed or an event attended, ready for
/// `lentera_store::learning::issue_certificate` (a store function may issue it in the
/// transaction of the action that earns it), with what a course's certificate keeps: the
/// holder's name, NIP, unit and instansi as they are now.
pub async fn prepare_other(
    state: &Lentera,
    user: &lentera_store::people::User,
    what: OtherCertificate,
) -> Result<learning::NewCertificate> {
    if what.kind == CertificateKind::Course {
        return Err(Error::internal(anyhow::anyhow!(
            "a course's certificate is issued by its completion"
        )));
    }
    let units = lentera_store::org::all_units(&state.db).await?;
    let unit = user
        .unit_id
        .and_then(|id| units.iter().find(|u| u.id == id));
    let instansi = user
        .unit_id
        .and_then(|id| crate::admin::instansi_of(&units, id));
    let random = crate::keys::random_bytes::<15>().map_err(Error::internal)?;
    Ok(learning::NewCertificate {
        kind: what.kind,
        subject: what.subject,
        user_id: user.id,
        holder_name: user.name.clone(),
        holder_nip: user.nip.clone(),
        slug: what.slug,
        title: what.title,
        jp: what.jp,
        issuer: state.config.issuer.clone(),
        holder_unit: unit.map(|u| u.name.clone()),
        instansi_id: instansi.map(|u| u.id),
        started_at: what.started_at,
        code: lentera_certificate::verification_code(&random),
        number: |year, id| lentera_certificate::certificate_number(year, id.0),
    })
}

/// Issues `user` the certificate of a path completed or an event attended. `None` when
/// the holder already has it: each (kind, subject) is certified once.
pub async fn issue_other(
    state: &Lentera,
    user: &lentera_store::people::User,
    what: OtherCertificate,
) -> Result<Option<Certificate>> {
    let new = prepare_other(state, user, what).await?;
    let cert = learning::issue_certificate(&state.db, new).await?;
    if let Some(c) = &cert {
        tracing::info!(user = user.id.0, kind = ?c.kind, certificate = %c.number, "certificate issued");
        crate::xapi::record(state, user, crate::xapi::earned(c)).await;
    }
    Ok(cert)
}

/// The certificate as a signed Open Badges 3.0 credential ([`crate::credentials::badge`]).
pub fn badge(state: &Lentera, c: &Certificate) -> Result<serde_json::Value> {
    crate::credentials::badge(state, c)
}

/// Time allowed to draw one certificate, and to pack a zip of them.
const PDF_BUDGET: std::time::Duration = std::time::Duration::from_secs(20);
const ZIP_BUDGET: std::time::Duration = std::time::Duration::from_secs(60);

/// A certificate as its holder (and their managers) see it, with where to verify and
/// download it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertificateView {
    /// The unguessable verification code.
    pub code: String,
    /// The printed number, e.g. LNT-2026-000001.
    pub number: String,
    /// The course's slug (a path's slug, or a slug-like name of an event).
    pub course: String,
    pub course_title: String,
    /// What it is for: a course, a learning path or an event attended.
    pub kind: CertificateKind,
    pub jp: Jp,
    pub issued_at: String,
    pub revoked: bool,
    pub verify_url: String,
    pub pdf_url: String,
    pub badge_url: String,
    pub revocation_reason: Option<String>,
}

impl CertificateView {
    pub fn of(state: &Lentera, c: &Certificate) -> CertificateView {
        let base = &state.config.public_url;
        CertificateView {
            code: c.code.clone(),
            number: c.number.clone(),
            course: c.course_slug.clone(),
            course_title: c.course_title.clone(),
            kind: c.kind,
            jp: c.jp,
            issued_at: c.issued_at.to_rfc3339(),
            revoked: c.revoked_at.is_some(),
            verify_url: format!("{base}/verifikasi/{}", c.code),
            pdf_url: format!("{base}/certificates/{}.pdf", c.code),
            badge_url: format!("{base}/api/v1/certificates/{}/badge", c.code),
            revocation_reason: c.revocation_reason.clone(),
        }
    }
}

/// Most certificates one zip holds; a larger unit is downloaded per sub-unit or per year.
pub const ZIP_LIMIT: usize = 2000;

/// PDFs of several certificates in one zip, named by certificate number, with the NIP as
/// `nip` allows (the holder's own zip, or a manager's of their units: full).
pub async fn zip_of(state: &Lentera, certs: &[Certificate], nip: NipShown) -> Result<Vec<u8>> {
    if certs.len() > ZIP_LIMIT {
        return Err(Error::new(
            ErrorCode::TooManyCertificates,
            format!(
                "{} certificates; choose a sub-unit or a year so there are at most {ZIP_LIMIT}",
                certs.len()
            ),
        ));
    }
    let mut files = Vec::with_capacity(certs.len());
    for c in certs {
        files.push((format!("{}.pdf", c.number), pdf(state, c, nip).await?));
    }
    crate::heavy::work(
        ZIP_BUDGET,
        move || -> Result<Vec<u8>, zip::result::ZipError> {
            use std::io::Write;
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            // PDFs are compressed already: store them.
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            for (name, bytes) in files {
                zip.start_file(name, options)?;
                zip.write_all(&bytes)?;
            }
            Ok(zip.finish()?.into_inner())
        },
    )
    .await?
    .map_err(Error::internal)
}

/// The caller's own certificates, newest first.
pub async fn mine(state: &Lentera, me: &crate::sessions::CurrentUser) -> Result<Vec<Certificate>> {
    Ok(learning::certificates_of(&state.db, me.user.id).await?)
}

/// All of the caller's certificates as PDFs in one zip, with their whole NIP.
pub async fn zip_mine(state: &Lentera, me: &crate::sessions::CurrentUser) -> Result<Vec<u8>> {
    let certs = mine(state, me).await?;
    let own = crate::policy::authorize(
        state,
        me,
        crate::policy::Action::ReadFullCertificate,
        crate::policy::Resource::Certificate { holder: me.user.id },
    )
    .await?;
    zip_of(state, &certs, NipShown::Full(own)).await
}

/// Certificates of people in `units` (already within `scope`), by a NIP or number when
/// `term` is given, of one year when `year` is.
pub async fn in_units(
    state: &Lentera,
    _scope: &crate::policy::Scope,
    units: &[UnitId],
    term: Option<&str>,
    year: Option<i32>,
) -> Result<Vec<Certificate>> {
    Ok(lentera_store::reports::certificates_in(&state.reports_db, units, term, year).await?)
}

/// The certificates of `units` (within `scope`) as PDFs in one zip, whole: their managers
/// and admins see the full NIP.
pub async fn zip_units(
    state: &Lentera,
    scope: &crate::policy::Scope,
    units: &[UnitId],
    year: Option<i32>,
) -> Result<Vec<u8>> {
    let certs = in_units(state, scope, units, None, year).await?;
    zip_of(state, &certs, NipShown::Full(scope.full_certificates())).await
}
