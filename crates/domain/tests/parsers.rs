//! The server's own parsers under arbitrary input: the CSV of users and an uploaded zip.
//! Never a panic; every refused row names a line of the file; nothing is written outside
//! the folder a zip is unpacked into.

use std::io::Write;

use lentera_domain::org::check_rows;
use lentera_domain::upload::unpack;
use lentera_store::people::Unit;
use proptest::prelude::*;

fn units() -> Vec<Unit> {
    vec![Unit {
        id: lentera_domain::UnitId(1),
        code: "BKPSDM".into(),
        name: "BKPSDM".into(),
        parent_id: None,
    }]
}

/// A line of a CSV that is nearly right: real field shapes, mixed with junk.
fn csv_line() -> impl Strategy<Value = String> {
    let nip = prop_oneof![
        Just("198503152010011003".to_owned()),
        "[0-9]{0,20}",
        "\\PC{0,20}",
    ];
    let field = prop_oneof![
        Just("BKPSDM".to_owned()),
        Just("learner;admin".to_owned()),
        Just("\"quoted, with comma\"".to_owned()),
        Just("\"unclosed".to_owned()),
        "\\PC{0,12}",
    ];
    (
        nip,
        prop::collection::vec(field, 0..6),
        prop_oneof![Just(","), Just(";")],
    )
        .prop_map(|(nip, rest, sep)| {
            let mut parts = vec![nip];
            parts.extend(rest);
            parts.join(sep)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_as_a_csv_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = check_rows(&bytes, &units());
    }

    #[test]
    fn near_valid_csv_rows_are_each_kept_or_refused_with_their_line(
        lines in prop::collection::vec(csv_line(), 0..40),
        header in prop_oneof![Just("nip,name,email,unit_code,roles"), Just("nip;nama;email;kode_unit;peran")],
    ) {
        let text = format!("{header}\n{}\n", lines.join("\n"));
        let total_lines = text.lines().count() as u64 + 1;
        if let Ok((good, bad)) = check_rows(text.as_bytes(), &units()) {
            prop_assert!(good.len() + bad.len() <= lines.len() + 1);
            for p in &bad {
                prop_assert!(p.line <= total_lines, "line {} of {}", p.line, total_lines);
            }
        }
    }

    #[test]
    fn any_bytes_as_a_zip_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4000)) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let _ = unpack(&bytes, dir.path());
    }

    #[test]
    fn zips_with_arbitrary_names_stay_in_their_folder(
        names in prop::collection::vec(
            prop_oneof![
                "[a-z/._]{1,30}",
                Just("../keluar.md".to_owned()),
                Just("/etc/passwd".to_owned()),
                Just("a/../../b.md".to_owned()),
                Just("C:\\\\x.md".to_owned()),
                "\\PC{1,20}",
            ],
            1..12,
        ),
    ) {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buf);
            let options = zip::write::SimpleFileOptions::default();
            for name in &names {
                if zip.start_file(name.as_str(), options).is_ok() {
                    let _ = zip.write_all(b"isi");
                }
            }
            let _ = zip.finish();
        }
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dest = root.path().join("tujuan");
        std::fs::create_dir(&dest).unwrap_or_else(|e| panic!("{e}"));
        let _ = unpack(&buf.into_inner(), &dest);
        // Nothing beside the destination folder.
        let beside: Vec<_> = std::fs::read_dir(root.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        prop_assert_eq!(beside, vec![std::ffi::OsString::from("tujuan")]);
    }
}
