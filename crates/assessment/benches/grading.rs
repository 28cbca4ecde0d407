//! Grading throughput on a 20-question quiz of every kind, and GIFT parsing speed.
//!
//! `cargo bench -p lentera-assessment --bench grading -- --warm-up-time 1 --measurement-time 3`

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lentera_assessment::{
    Quiz, ResponseEntry, answer_key, grade, new_layout, parse_gift, parse_quiz_toml,
};

const SALT: &[u8] = b"bench-salt";

/// Question `i` of the benchmark quiz, cycling through the seven automatically graded kinds.
fn toml_question(i: usize) -> String {
    let body = match i % 7 {
        0 => {
            "kind = \"single_choice\"\noptions = [\n  { id = \"a\", text = \"BPBD\", correct = true, feedback = \"Tepat\" },\n  { id = \"b\", text = \"BMKG\" },\n  { id = \"c\", text = \"PMI\" },\n  { id = \"d\", text = \"Basarnas\" },\n]"
        }
        1 => {
            "kind = \"multiple_choice\"\noptions = [\n  { id = \"a\", text = \"Mitigasi\", weight = 50 },\n  { id = \"b\", text = \"Kesiapsiagaan\", weight = 50 },\n  { id = \"c\", text = \"Rekonstruksi\", weight = -50 },\n  { id = \"d\", text = \"Evakuasi\", weight = -50 },\n]"
        }
        2 => "kind = \"true_false\"\nanswer = false",
        3 => {
            "kind = \"short_answer\"\nanswers = [\"BPBD\", \"Badan Penanggulangan Bencana Daerah\"]"
        }
        4 => {
            "kind = \"numerical\"\nanswers = [{ value = 2007.0 }, { min = 2005.0, max = 2009.0, weight = 50 }]"
        }
        5 => {
            "kind = \"matching\"\npairs = [\n  { left = \"Prabencana\", right = \"Mitigasi\" },\n  { left = \"Tanggap darurat\", right = \"Evakuasi\" },\n  { left = \"Pascabencana\", right = \"Rehabilitasi\" },\n  { left = \"Sebelum musim hujan\", right = \"Membersihkan saluran\" },\n]\ndistractors = [\"Pemilu\"]"
        }
        _ => {
            "kind = \"ordering\"\nitems = [\"Peringatan dini\", \"Evakuasi\", \"Pendataan\", \"Pemulihan\", \"Evaluasi\"]"
        }
    };
    format!(
        "[[questions]]\nid = \"q{i}\"\nprompt = \"Soal nomor {i} tentang penanggulangan bencana di daerah\"\n{body}\n\n"
    )
}

fn mixed_quiz() -> Quiz {
    let mut src = String::from("slug = \"bench\"\ntitle = \"Bench\"\n\n");
    for i in 0..19 {
        src.push_str(&toml_question(i));
    }
    src.push_str("[[questions]]\nid = \"q19\"\nkind = \"essay\"\nprompt = \"Jelaskan rencana kontinjensi\"\n");
    parse_quiz_toml(&src).unwrap_or_else(|p| panic!("bench quiz does not parse: {p:#?}"))
}

/// What a learner submits: the answer key with every third answer changed to a wrong one, and
/// an essay of a few hundred words.
fn realistic_response(quiz: &Quiz) -> Vec<ResponseEntry> {
    let mut key = answer_key(quiz, SALT);
    for (i, e) in key.iter_mut().enumerate() {
        if i % 3 == 0 {
            if let Some(c) = &mut e.choices {
                c.reverse();
                c.truncate(1);
                if c.first().is_some_and(|c| c == "false") {
                    c[0] = "true".into();
                }
            }
            if let Some(n) = &mut e.number {
                *n += 1.0;
            }
            if let Some(t) = &mut e.text {
                t.push_str(" salah");
            }
            if let Some(o) = &mut e.order {
                o.reverse();
            }
            if let Some(p) = &mut e.pairs
                && p.len() >= 2
            {
                let r0 = p[0][1].clone();
                p[0][1] = p[1][1].clone();
                p[1][1] = r0;
            }
        }
    }
    if let Some(essay) = key.last_mut() {
        essay.text = Some("Rencana kontinjensi disusun bersama perangkat daerah. ".repeat(40));
    }
    key
}

/// About 100 GIFT questions of every kind, as a Moodle export would have them.
fn gift_file() -> String {
    let mut s = String::from("// Bank soal untuk benchmark\n$CATEGORY: $course$/top/Bencana\n\n");
    for i in 0..100 {
        let q = match i % 8 {
            0 => format!(
                "::S{i}::Siapa mengoordinasikan penanggulangan bencana di daerah? {{\n\t=BPBD#Tepat.\n\t~BMKG#BMKG mengurus cuaca.\n\t~PMI\n\t####BPBD dibentuk oleh pemerintah daerah.\n}}"
            ),
            1 => format!(
                "::M{i}::Pilih fase prabencana. {{~%50%Mitigasi ~%50%Kesiapsiagaan ~%-100%Rehabilitasi ~Evakuasi}}"
            ),
            2 => format!(
                "::T{i}::Gempa bisa diprediksi dengan tepat. {{F#Belum ada metode yang andal.#Benar.}}"
            ),
            3 => format!(
                "::SA{i}::Singkatan badan daerah? {{=BPBD =Badan Penanggulangan Bencana Daerah}}"
            ),
            4 => format!(
                "::N{i}::UU 24 terbit tahun? {{#\n\t=2007:0#Tepat.\n\t=%50%2007:2#Hampir.\n}}"
            ),
            5 => format!(
                "::P{i}::Pasangkan fase dan kegiatannya. {{\n\t=Prabencana -> Mitigasi\n\t=Tanggap darurat -> Evakuasi\n\t=Pascabencana -> Rehabilitasi\n\t= -> Pemilu\n}}"
            ),
            6 => format!(
                "::W{i}::Ibu kota Jawa Barat adalah {{~Jakarta =Bandung ~Semarang}} sejak 1950."
            ),
            _ => format!(
                "::E{i}::[markdown]Jelaskan **rencana kontinjensi** di unit Anda\\: siapa, apa, kapan. {{}}"
            ),
        };
        let _ = writeln!(s, "{q}\n");
    }
    s
}

fn benches(c: &mut Criterion) {
    let quiz = mixed_quiz();
    let responses = realistic_response(&quiz);
    let layout = new_layout(&quiz, 42);
    let g = grade(&quiz, SALT, &responses);
    assert!(g.score > 0.0 && g.score < g.max_score, "{g:?}");

    let mut group = c.benchmark_group("grading");
    // One element = one attempt, so criterion reports attempts graded per second.
    group.throughput(Throughput::Elements(1));
    group.bench_function("grade_20_question_attempt", |b| {
        b.iter(|| grade(black_box(&quiz), SALT, black_box(&responses)))
    });
    group.bench_function("grade_20_question_attempt_for_layout", |b| {
        b.iter(|| {
            let attempt = black_box(&quiz).for_layout(black_box(&layout));
            grade(&attempt, SALT, black_box(&responses))
        })
    });
    group.finish();

    let gift = gift_file();
    let n = parse_gift(&gift)
        .unwrap_or_else(|p| panic!("bench GIFT does not parse: {p:#?}"))
        .len();
    assert_eq!(n, 100);
    let mut group = c.benchmark_group("gift");
    group.throughput(Throughput::Bytes(gift.len() as u64));
    group.bench_function("parse_100_questions", |b| {
        b.iter(|| parse_gift(black_box(&gift)))
    });
    group.finish();
}

criterion_group!(grading, benches);
criterion_main!(grading);
