//! The organisation as admins and managers see it: who may see which units, the users of
//! those units, and importing users from CSV.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::Lentera;
use crate::error::{Details, Error, ErrorCode, Result};
use crate::nip::Nip;
use crate::policy::{self, Action, Resource, Role};
use crate::sessions::CurrentUser;
use lentera_store::org;
use lentera_store::people::{self, NewUser, Unit};

pub use crate::policy::Scope;

/// The largest CSV of users accepted (about 20,000 rows).
pub const MAX_CSV: usize = 2 * 1024 * 1024;

/// A refused CSV row: where, and why in both languages.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct RowProblem {
    pub line: u64,
    pub nip: String,
    pub message: String,
    pub pesan: String,
}

/// An imported user with the one-time password to hand over.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub line: u64,
    pub username: String,
    pub name: String,
    pub unit: String,
    pub initial_password: String,
}

#[derive(Debug, Clone, Serialize, Default, utoipa::ToSchema)]
pub struct ImportReport {
    pub imported: Vec<Imported>,
    pub rejected: Vec<RowProblem>,
}

/// A checked row, ready to insert.
pub struct GoodRow {
    line: u64,
    nip: Nip,
    name: String,
    email: Option<String>,
    unit: Unit,
    roles: Vec<Role>,
}

fn problem(
    line: u64,
    nip: &str,
    message: impl Into<String>,
    pesan: impl Into<String>,
) -> RowProblem {
    RowProblem {
        line,
        nip: nip.to_owned(),
        message: message.into(),
        pesan: pesan.into(),
    }
}

/// Reads the CSV (header `nip,name,email,unit_code,roles`; roles separated by `;`, default
/// learner; `,` or `;` as the delimiter, as spreadsheets export either) and checks every
/// row. Returns the good rows and the problems; nothing is written.
pub fn check_rows(
    data: &[u8],
    units: &[Unit],
) -> Result<(Vec<GoodRow>, Vec<RowProblem>), RowProblem> {
    let text = std::str::from_utf8(data).map_err(|_| {
        problem(
            1,
            "",
            "the file is not UTF-8 text",
            "berkas bukan teks UTF-8",
        )
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            problem(
                1,
                "",
                format!("unreadable header: {e}"),
                format!("baris judul tidak terbaca: {e}"),
            )
        })?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(c_nip), Some(c_name), Some(c_unit)) = (
        col("nip"),
        col("name").or(col("nama")),
        col("unit_code").or(col("kode_unit")),
    ) else {
        return Err(problem(
            1,
            "",
            "the header must name the columns nip, name, email, unit_code, roles",
            "baris judul harus memuat kolom nip, name, email, unit_code, roles",
        ));
    };
    let c_email = col("email");
    let c_roles = col("roles").or(col("peran"));
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    // Rows are numbered as the spreadsheet shows them (the header is row 1, a blank line
    // is a row): a cell with a line break inside quotes is one row there, so its extra
    // lines are not counted.
    let mut rows = Rows::default();
    let header_end = usize::try_from(reader.position().byte()).unwrap_or(0);
    rows.skip_cells(text.get(..header_end).unwrap_or_default());
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let Some(at) = e.position() else { break };
                let line = rows.row_at(text, at.byte());
                bad.push(problem(
                    line,
                    "",
                    format!("unreadable row: {e}"),
                    format!("baris tidak terbaca: {e}"),
                ));
                continue;
            }
        }
        let start = record.position().map_or(0, |p| p.byte());
        let line = rows.row_at(text, start);
        let (from, to) = (
            usize::try_from(start).unwrap_or(0),
            usize::try_from(reader.position().byte()).unwrap_or(0),
        );
        rows.skip_cells(text.get(from..to).unwrap_or_default());
        let record = &record;
        let get = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .unwrap_or("")
                .trim()
                .to_owned()
        };
        let raw_nip = get(Some(c_nip));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let nip = match Nip::parse(&raw_nip) {
            Ok(n) => n,
            Err(e) => {
                bad.push(problem(
                    line,
                    &raw_nip,
                    format!("NIP: {e}"),
                    format!("NIP: {}", e.pesan()),
                ));
                continue;
            }
        };
        if let Some(first) = seen.insert(nip.as_str().to_owned(), line) {
            bad.push(problem(
                line,
                &raw_nip,
                format!("NIP repeats line {first}"),
                format!("NIP sama dengan baris {first}"),
            ));
            continue;
        }
        let name = get(Some(c_name));
        if !crate::text::is_line(&name, 1, 200) {
            bad.push(problem(
                line,
                &raw_nip,
                "name is empty or longer than 200 characters",
                "nama kosong atau lebih dari 200 karakter",
            ));
            continue;
        }
        let email = Some(get(c_email)).filter(|e| !e.is_empty());
        if email.as_deref().is_some_and(|e| !plausible_email(e)) {
            bad.push(problem(
                line,
                &raw_nip,
                "email is not an address",
                "email tidak berbentuk alamat email",
            ));
            continue;
        }
        let code = get(Some(c_unit));
        let Some(unit) = units.iter().find(|u| u.code == code) else {
            bad.push(problem(
                line,
                &raw_nip,
                format!("unknown unit code '{code}'"),
                format!("kode unit '{code}' tidak dikenal"),
            ));
            continue;
        };
        let roles_raw = get(c_roles);
        let names: Vec<&str> = roles_raw
            .split([';', '|', ' '])
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .collect();
        if let Some(r) = names.iter().find(|r| Role::parse(r).is_none()) {
            bad.push(problem(
                line,
                &raw_nip,
                format!("unknown role '{r}' ({})", Role::names()),
                format!("peran '{r}' tidak dikenal ({})", Role::names()),
            ));
            continue;
        }
        let mut roles: Vec<Role> = names.iter().filter_map(|r| Role::parse(r)).collect();
        if roles.is_empty() {
            roles.push(Role::Learner);
        }
        roles.sort();
        roles.dedup();
        good.push(GoodRow {
            line,
            nip,
            name,
            email,
            unit: unit.clone(),
            roles,
        });
    }
    bad.sort_by_key(|p| p.line);
    Ok((good, bad))
}

/// Counts rows as a spreadsheet does while the CSV is read front to back.
#[derive(Default)]
struct Rows {
    /// Line breaks in the text before `seen`.
    breaks: u64,
    seen: usize,
    /// Line breaks inside quoted cells so far: not rows.
    in_cells: u64,
}

impl Rows {
    /// The row (from 1) of the record starting at byte `at` (the reader's start of a record
    /// is before the blank lines it skipped).
    fn row_at(&mut self, text: &str, at: u64) -> u64 {
        let at = usize::try_from(at).unwrap_or(0).max(self.seen);
        let rest = text.get(at..).unwrap_or_default();
        let at = at + (rest.len() - rest.trim_start_matches(['\r', '\n']).len());
        let gap = text.get(self.seen..at).unwrap_or_default();
        self.breaks += u64::try_from(gap.matches('\n').count()).unwrap_or(0);
        self.seen = at;
        (self.breaks + 1).saturating_sub(self.in_cells)
    }

    /// Notes the line breaks inside one record's quoted cells (its text from its start to
    /// the next record's; the breaks that end it are not inside).
    fn skip_cells(&mut self, record: &str) {
        let inner = record.trim_matches(['\r', '\n']);
        self.in_cells += u64::try_from(inner.matches('\n').count()).unwrap_or(0);
    }
}

/// Moves the rows whose NIP is `taken` (already a user) to the problems.
fn without_taken(
    good: Vec<GoodRow>,
    mut bad: Vec<RowProblem>,
    taken: &HashSet<String>,
) -> (Vec<GoodRow>, Vec<RowProblem>) {
    let (fresh, dup): (Vec<GoodRow>, Vec<GoodRow>) = good
        .into_iter()
        .partition(|g| !taken.contains(g.nip.as_str()));
    bad.extend(dup.into_iter().map(|g| {
        problem(
            g.line,
            g.nip.as_str(),
            "a user with this NIP already exists",
            "pengguna dengan NIP ini sudah ada",
        )
    }));
    bad.sort_by_key(|p| p.line);
    (fresh, bad)
}

/// An address with a local part, an `@` and a dotted domain, without spaces.
pub fn plausible_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !e.contains(|c: char| c.is_whitespace() || c.is_control())
        && e.len() <= 254
}

/// Checks and imports a CSV of users. Good rows are created (each row in its own
/// transaction, with its roles), bad rows listed with line and reason. The NIP is the
/// username; each imported user gets a random initial password, shown once.
pub async fn import_users(state: &Lentera, me: &CurrentUser, data: &[u8]) -> Result<ImportReport> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let units = org::all_units(&state.db).await?;
    // Check the file once, then ask the database which NIPs are taken, in one pass.
    let (candidates, bad) = check_rows(data, &units).map_err(|p| {
        Error::new(ErrorCode::InvalidCsv, p.message.clone()).details(Details::Rejected(vec![p]))
    })?;
    let nips: Vec<Nip> = candidates.iter().map(|g| g.nip.clone()).collect();
    let usernames: Vec<String> = nips.iter().map(Nip::to_string).collect();
    let existing = org::taken(&state.db, &nips, &usernames).await?;
    let (rows, mut rejected) = without_taken(candidates, bad, &existing);
    let mut imported = Vec::with_capacity(rows.len());
    for row in rows {
        let password = initial_password()?;
        let hash = crate::sessions::hash_password(password.clone()).await?;
        let new = NewUser {
            username: row.nip.as_str().to_owned(),
            nip: Some(row.nip.clone()),
            name: row.name.clone(),
            email: row.email.clone(),
            unit_id: Some(row.unit.id),
            password_hash: hash,
            roles: row.roles.clone(),
            language: "id".into(),
        };
        match people::create_user(&state.db, new).await {
            Ok(user) => imported.push(Imported {
                line: row.line,
                username: user.username,
                name: user.name,
                unit: row.unit.code.clone(),
                initial_password: password,
            }),
            // Created by someone else between the check and the insert.
            Err(lentera_store::StoreError::Conflict(_)) => rejected.push(problem(
                row.line,
                row.nip.as_str(),
                "a user with this NIP already exists",
                "pengguna dengan NIP ini sudah ada",
            )),
            Err(e) => return Err(e.into()),
        }
    }
    rejected.sort_by_key(|p| p.line);
    lentera_store::audit::record(
        &state.db,
        Some(me.user.id),
        lentera_store::AuditAction::UsersImported,
        "users",
        Some(format!(
            "imported {}, rejected {}",
            imported.len(),
            rejected.len()
        )),
    )
    .await?;
    Ok(ImportReport { imported, rejected })
}

/// 12 characters from an alphabet without look-alikes (no 0/O, 1/l/I).
pub fn initial_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes = crate::keys::random_bytes::<12>().map_err(Error::internal)?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units() -> Vec<Unit> {
        vec![Unit {
            id: crate::UnitId(1),
            code: "BKPSDM".into(),
            name: "BKPSDM".into(),
            parent_id: None,
        }]
    }

    #[test]
    fn every_bad_row_is_listed_with_its_line_and_good_rows_pass() {
        let csv = "nip,name,email,unit_code,roles\n\
198503152010011003,Siti Aminah,siti@example.go.id,BKPSDM,learner\n\
19850315201001100,Pendek,,BKPSDM,\n\
198502302010011003,Tanggal Salah,,BKPSDM,\n\
198503152010013003,Kelamin Salah,,BKPSDM,\n\
198503152010011003,Ganda,,BKPSDM,\n\
199001012015032001,Unit Salah,,TIDAKADA,\n\
199001012015032002,Peran Salah,,BKPSDM,raja\n\
199001012015032003,Email Salah,bukan-email,BKPSDM,\n\
199001012015032004,Sudah Ada,,BKPSDM,manager;learner\n";
        let taken = HashSet::from(["199001012015032004".to_owned()]);
        let (good, bad) = check_rows(csv.as_bytes(), &units())
            .map(|(good, bad)| without_taken(good, bad, &taken))
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(good.len(), 1);
        assert_eq!(good[0].nip.as_str(), "198503152010011003");
        let lines: Vec<u64> = bad.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7, 8, 9, 10]);
        assert!(bad[0].pesan.contains("18 angka"));
        assert!(bad[1].pesan.contains("tanggal lahir"));
        assert!(bad[2].pesan.contains("jenis kelamin"));
        assert!(bad[3].pesan.contains("baris 2"));
        assert!(bad[4].pesan.contains("TIDAKADA"));
        assert!(bad[5].pesan.contains("raja"));
        assert!(bad[6].pesan.contains("email"));
        assert!(bad[7].pesan.contains("sudah ada"));
    }

    #[test]
    fn semicolon_files_from_spreadsheets_and_a_bom_are_read() {
        let csv = "\u{feff}NIP;Nama;Email;Kode_Unit;Peran\n198503152010011003;Siti;;BKPSDM;learner|manager\n";
        let (good, bad) = check_rows(csv.as_bytes(), &units()).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(
            good[0].roles,
            vec![crate::Role::Learner, crate::Role::Manager]
        );
    }

    #[test]
    fn rows_are_numbered_as_the_spreadsheet_shows_them_even_with_line_breaks_in_cells() {
        // Row 3 has a name typed over two lines in one cell (a spreadsheet shows one row);
        // row 4's unit is unknown. Counting text lines would call it line 5.
        let csv = "nip,name,email,unit_code,roles\n\
198503152010011003,Siti Aminah,,BKPSDM,\n\
199001012015032001,\"Budi\nSantoso\",,BKPSDM,\n\
199001012015032002,Unit Salah,,TIDAKADA,\n\
\n\
199001012015032003,Peran Salah,,BKPSDM,raja\n";
        let (good, bad) = check_rows(csv.as_bytes(), &units()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(good.len(), 1);
        let rows: Vec<u64> = bad.iter().map(|p| p.line).collect();
        // The blank row 5 is a row in the spreadsheet too.
        assert_eq!(rows, vec![3, 4, 6], "{bad:?}");
    }

    #[test]
    fn a_file_without_the_columns_is_refused_whole() {
        let Err(err) = check_rows(b"a,b\n1,2\n", &units()) else {
            panic!("a file without the columns must be refused");
        };
        assert_eq!(err.line, 1);
    }
}
