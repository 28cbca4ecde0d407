//! `Nip`: the 18-digit Nomor Induk Pegawai, only constructible when its structure is valid.

use chrono::NaiveDate;

/// A structurally valid NIP: birth date YYYYMMDD, appointment YYYYMM, sex digit 1 or 2,
/// and a 3-digit sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nip(String);

impl Nip {
    pub fn parse(input: &str) -> Result<Nip, String> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if s.len() != 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err("a NIP has exactly 18 digits".into());
        }
        let num = |range: std::ops::Range<usize>| s[range].parse::<u32>().unwrap_or(0);
        let birth_year = i32::try_from(num(0..4)).unwrap_or(0);
        if NaiveDate::from_ymd_opt(birth_year, num(4..6), num(6..8)).is_none()
            || !(1940..=2015).contains(&birth_year)
        {
            return Err("digits 1-8 must be a real birth date (YYYYMMDD)".into());
        }
        let (appointed_year, appointed_month) = (num(8..12), num(12..14));
        if !(1960..=2100).contains(&appointed_year) || !(1..=12).contains(&appointed_month) {
            return Err("digits 9-14 must be the appointment year and month (YYYYMM)".into());
        }
        if !matches!(&s[14..15], "1" | "2") {
            return Err("digit 15 (sex) must be 1 or 2".into());
        }
        Ok(Nip(s))
    }

    /// The Indonesian wording of an error from [`Nip::parse`].
    pub fn pesan(error: &str) -> &'static str {
        match error {
            "a NIP has exactly 18 digits" => "NIP harus terdiri atas tepat 18 angka",
            "digits 1-8 must be a real birth date (YYYYMMDD)" => {
                "angka ke-1 sampai ke-8 harus tanggal lahir yang benar (TTTTBBHH)"
            }
            "digits 9-14 must be the appointment year and month (YYYYMM)" => {
                "angka ke-9 sampai ke-14 harus tahun dan bulan pengangkatan (TTTTBB)"
            }
            "digit 15 (sex) must be 1 or 2" => "angka ke-15 (jenis kelamin) harus 1 atau 2",
            _ => "NIP tidak valid",
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Nip;

    #[test]
    fn accepts_a_valid_nip_and_rejects_broken_ones() {
        assert!(Nip::parse("198503152010011003").is_ok());
        assert!(Nip::parse("1985 0315 201001 1 003").is_ok());
        for bad in [
            "19850315201001100",
            "198502302010011003",
            "198503152010131003",
            "198503152010013003",
            "19850315201001100x",
        ] {
            assert!(Nip::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
