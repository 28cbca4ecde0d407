//! The predikat printed on a certificate: a word for the counted score, chosen by
//! thresholds an admin can change.

/// The predikat of a counted score, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Predikat {
    SangatMemuaskan,
    Memuaskan,
    Baik,
    Cukup,
    Kurang,
}

impl Predikat {
    /// The word as written in Indonesian documents, e.g. `Sangat Memuaskan`.
    pub fn label(self) -> &'static str {
        match self {
            Predikat::SangatMemuaskan => "Sangat Memuaskan",
            Predikat::Memuaskan => "Memuaskan",
            Predikat::Baik => "Baik",
            Predikat::Cukup => "Cukup",
            Predikat::Kurang => "Kurang",
        }
    }
}

/// The lowest score (a percentage, 0 to 100) that earns each predikat; a score below
/// `cukup` is [`Predikat::Kurang`].
///
/// The [`Default`] (90.01 / 80.01 / 70.01 / 60.01) follows the bands commonly printed on
/// Pelatihan Dasar certificates. It is a default an admin can change per instansi, not a
/// regulation this crate enforces: nothing here cites a rule that fixes these numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PredikatThresholds {
    pub sangat_memuaskan: f64,
    pub memuaskan: f64,
    pub baik: f64,
    pub cukup: f64,
}

impl Default for PredikatThresholds {
    fn default() -> Self {
        PredikatThresholds {
            sangat_memuaskan: 90.01,
            memuaskan: 80.01,
            baik: 70.01,
            cukup: 60.01,
        }
    }
}

/// Why thresholds or a score were refused.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum PredikatError {
    #[error("the threshold for {name} ({value}) is not a number from 0 to 100")]
    ThresholdOutOfRange { name: &'static str, value: f64 },
    #[error(
        "the thresholds must fall strictly from sangat_memuaskan to cukup; \
         {higher} ({higher_value}) is not above {lower} ({lower_value})"
    )]
    NotDecreasing {
        higher: &'static str,
        higher_value: f64,
        lower: &'static str,
        lower_value: f64,
    },
    #[error("the score {0} is not a percentage from 0 to 100")]
    ScoreOutOfRange(f64),
}

/// A score this close below a threshold still reaches it, so that 90.01 computed as
/// `9001.0 / 100.0` is not pushed down a band by floating-point rounding.
const TOLERANCE: f64 = 1e-9;

impl PredikatThresholds {
    /// Thresholds that pass [`PredikatThresholds::validate`].
    ///
    /// # Errors
    ///
    /// As [`PredikatThresholds::validate`].
    pub fn new(
        sangat_memuaskan: f64,
        memuaskan: f64,
        baik: f64,
        cukup: f64,
    ) -> Result<Self, PredikatError> {
        let thresholds = PredikatThresholds {
            sangat_memuaskan,
            memuaskan,
            baik,
            cukup,
        };
        thresholds.validate()?;
        Ok(thresholds)
    }

    fn named(&self) -> [(&'static str, f64); 4] {
        [
            ("sangat_memuaskan", self.sangat_memuaskan),
            ("memuaskan", self.memuaskan),
            ("baik", self.baik),
            ("cukup", self.cukup),
        ]
    }

    /// Checks that every threshold is a finite number in `0..=100` and that they fall
    /// strictly from `sangat_memuaskan` to `cukup`.
    ///
    /// # Errors
    ///
    /// [`PredikatError::ThresholdOutOfRange`] or [`PredikatError::NotDecreasing`], naming
    /// the first threshold at fault (the field names, for a form to point at).
    pub fn validate(&self) -> Result<(), PredikatError> {
        let named = self.named();
        for (name, value) in named {
            if !(0.0..=100.0).contains(&value) {
                return Err(PredikatError::ThresholdOutOfRange { name, value });
            }
        }
        for pair in named.windows(2) {
            let [(higher, higher_value), (lower, lower_value)] = [pair[0], pair[1]];
            if higher_value <= lower_value {
                return Err(PredikatError::NotDecreasing {
                    higher,
                    higher_value,
                    lower,
                    lower_value,
                });
            }
        }
        Ok(())
    }

    /// The predikat of `score`, a percentage from 0 to 100.
    ///
    /// # Errors
    ///
    /// The [`PredikatThresholds::validate`] errors, and
    /// [`PredikatError::ScoreOutOfRange`] for a score outside `0..=100` (or NaN).
    pub fn predikat(&self, score: f64) -> Result<Predikat, PredikatError> {
        self.validate()?;
        if !(0.0..=100.0).contains(&score) {
            return Err(PredikatError::ScoreOutOfRange(score));
        }
        let reaches = |threshold: f64| score + TOLERANCE >= threshold;
        Ok(if reaches(self.sangat_memuaskan) {
            Predikat::SangatMemuaskan
        } else if reaches(self.memuaskan) {
            Predikat::Memuaskan
        } else if reaches(self.baik) {
            Predikat::Baik
        } else if reaches(self.cukup) {
            Predikat::Cukup
        } else {
            Predikat::Kurang
        })
    }
}
