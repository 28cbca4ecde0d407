//! RFC 8785 (JSON Canonicalization Scheme) output: the exact bytes a certificate
//! signature covers, so that anyone holding the public JSON can rebuild them.
//!
//! The serialisation itself is `serde_jcs` (UTF-16 key order, JCS string escapes, and
//! ECMAScript number formatting via `ryu-js`). Before it runs, [`Guard`] walks the value
//! and refuses the two things JCS cannot write faithfully, where `serde_jcs` would
//! silently write something else:
//! - integers beyond 2^53 - 1 (values, and map keys, which `serde_jcs` also formats
//!   through a double): JCS models every number as an IEEE-754 double, so they would be
//!   rounded and the signed text would not say what the caller meant;
//! - NaN and infinities below the top level: `serde_jcs` checks only a top-level float
//!   and lets `serde_json` turn nested ones into `null`, where RFC 8785 requires an error.

use std::fmt;

use serde::Serialize;
use serde::ser::{
    self, SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant, SerializeTuple,
    SerializeTupleStruct, SerializeTupleVariant, Serializer,
};

use crate::SignError;

/// The largest integer a double holds exactly together with its neighbours
/// (ECMAScript's `Number.MAX_SAFE_INTEGER`, the I-JSON limit of RFC 7493).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// RFC 8785 (JCS) canonical JSON of any serde value: object keys sorted by UTF-16 code units, no whitespace,
/// strings escaped as JCS requires, numbers in the ECMAScript shortest form (integers as integers).
///
/// Floats are allowed and printed as ECMAScript would (`4.5`, `1e+30`, `4.0` as `4`).
///
/// # Errors
///
/// [`SignError::UnsafeInteger`] for an integer outside ±(2^53 - 1), which JCS cannot keep
/// exact; [`SignError::NonFiniteNumber`] for NaN or an infinity anywhere in the value;
/// [`SignError::Canonical`] for anything else JSON cannot hold (a map with keys that are
/// not strings) or a failing `Serialize` implementation.
pub fn canonical_json<T: Serialize>(value: &T) -> Result<String, SignError> {
    match value.serialize(&mut Guard) {
        Ok(()) => {}
        Err(Refusal::UnsafeInteger(number)) => return Err(SignError::UnsafeInteger(number)),
        Err(Refusal::NonFinite) => return Err(SignError::NonFiniteNumber),
        // Left for serde_jcs to report with its own wording; the guard has no opinion.
        Err(Refusal::Other(_)) => {}
    }
    serde_jcs::to_string(value).map_err(SignError::Canonical)
}

/// Why [`Guard`] stopped.
#[derive(Debug)]
enum Refusal {
    UnsafeInteger(String),
    NonFinite,
    Other(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::UnsafeInteger(number) => write!(f, "unsafe integer {number}"),
            Refusal::NonFinite => f.write_str("non-finite number"),
            Refusal::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Refusal {}

impl ser::Error for Refusal {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Refusal::Other(message.to_string())
    }
}

fn integer<N: Into<i128> + Copy + fmt::Display>(value: N) -> Result<(), Refusal> {
    if value.into().unsigned_abs() <= u128::from(MAX_SAFE_INTEGER) {
        Ok(())
    } else {
        Err(Refusal::UnsafeInteger(value.to_string()))
    }
}

fn float(value: f64) -> Result<(), Refusal> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(Refusal::NonFinite)
    }
}

/// A serializer that writes nothing and only checks numbers (see the module comment).
struct Guard;

impl Serializer for &mut Guard {
    type Ok = ();
    type Error = Refusal;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, _: bool) -> Result<(), Refusal> {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Result<(), Refusal> {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Result<(), Refusal> {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Result<(), Refusal> {
        Ok(())
    }
    fn serialize_i64(self, value: i64) -> Result<(), Refusal> {
        integer(value)
    }
    fn serialize_i128(self, value: i128) -> Result<(), Refusal> {
        integer(value)
    }
    fn serialize_u8(self, _: u8) -> Result<(), Refusal> {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Result<(), Refusal> {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Result<(), Refusal> {
        Ok(())
    }
    fn serialize_u64(self, value: u64) -> Result<(), Refusal> {
        integer(value)
    }
    fn serialize_u128(self, value: u128) -> Result<(), Refusal> {
        if value <= u128::from(MAX_SAFE_INTEGER) {
            Ok(())
        } else {
            Err(Refusal::UnsafeInteger(value.to_string()))
        }
    }
    fn serialize_f32(self, value: f32) -> Result<(), Refusal> {
        float(f64::from(value))
    }
    fn serialize_f64(self, value: f64) -> Result<(), Refusal> {
        float(value)
    }
    fn serialize_char(self, _: char) -> Result<(), Refusal> {
        Ok(())
    }
    fn serialize_str(self, _: &str) -> Result<(), Refusal> {
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Refusal> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Refusal> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Refusal> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Refusal> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Refusal> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), Refusal> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Refusal> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), Refusal> {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Refusal> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Refusal> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Refusal> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Refusal> {
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Refusal> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Refusal> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Refusal> {
        Ok(self)
    }
}

impl SerializeSeq for &mut Guard {
    type Ok = ();
    type Error = Refusal;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refusal> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Refusal> {
        Ok(())
    }
}

impl SerializeTuple for &mut Guard {
    type Ok = ();
    type Error = Refusal;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refusal> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Refusal> {
        Ok(())
    }
}

impl SerializeTupleStruct for &mut Guard {
    type Ok = ();
    type Error = Refusal;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refusal> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Refusal> {
        Ok(())
    }
}

impl SerializeTupleVariant for &mut Guard {
    type Ok = ();
    type Error = Refusal;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refusal> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Refusal> {
        Ok(())
    }
}

impl SerializeMap for &mut Guard {
    type Ok = ();
    type Error = Refusal;
    /// Keys are checked too: serde_json writes an integer key as a string, but
    /// `serde_jcs` formats it through a double first, so a big one would be rounded.
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Refusal> {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refusal> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Refusal> {
        Ok(())
    }
}

impl SerializeStruct for &mut Guard {
    type Ok = ();
    type Error = Refusal;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Refusal> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Refusal> {
        Ok(())
    }
}

impl SerializeStructVariant for &mut Guard {
    type Ok = ();
    type Error = Refusal;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Refusal> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Refusal> {
        Ok(())
    }
}

// A failing unwrap is a failing test, which is what a test should do.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{Value, json};

    use super::canonical_json;
    use crate::SignError;

    fn canonical_of(text: &str) -> String {
        let value: Value = serde_json::from_str(text).unwrap();
        canonical_json(&value).unwrap()
    }

    /// RFC 8785 section 3.2.3: UTF-16 order puts the emoji (a surrogate pair starting
    /// 0xD83D) before U+FB33, where code-point or UTF-8 order would put it last.
    #[test]
    fn keys_sort_by_utf16_code_units() {
        let input = r#"{
            "\u20ac": "Euro Sign",
            "\r": "Carriage Return",
            "\ufb33": "Hebrew Letter Dalet With Dagesh",
            "1": "One",
            "\ud83d\ude00": "Emoji: Grinning Face",
            "\u0080": "Control",
            "\u00f6": "Latin Small Letter O With Diaeresis"
        }"#;
        assert_eq!(
            canonical_of(input),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\
             \"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\
             \"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        );
    }

    /// RFC 8785 section 3.2.2, the worked example, numbers included.
    #[test]
    fn rfc_8785_example_is_reproduced() {
        let input = r#"{
            "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
            "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
            "literals": [null, true, false]
        }"#;
        assert_eq!(
            canonical_of(input),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    #[test]
    fn strings_keep_unicode_and_escape_only_what_jcs_requires() {
        let value = json!({"s": "\u{20ac} \u{1f} \u{7f} \t \u{8} \u{c} / < é"});
        assert_eq!(
            canonical_json(&value).unwrap(),
            "{\"s\":\"€ \\u001f \u{7f} \\t \\b \\f / < é\"}"
        );
    }

    #[test]
    fn nested_objects_and_arrays_are_sorted_and_compact() {
        let value = json!({"b": [{"z": 1, "a": 2}, []], "a": {}, "A": null});
        assert_eq!(
            canonical_json(&value).unwrap(),
            r#"{"A":null,"a":{},"b":[{"a":2,"z":1},[]]}"#
        );
    }

    #[test]
    fn integers_print_as_integers() {
        let value = json!([0, -0.0, 7, -12, 4.0, 1e21, 9_007_199_254_740_991_i64]);
        assert_eq!(
            canonical_json(&value).unwrap(),
            "[0,0,7,-12,4,1e+21,9007199254740991]"
        );
    }

    #[test]
    fn integers_beyond_double_precision_are_refused() {
        for big in [
            json!(9_007_199_254_740_992_u64),
            json!(-9_007_199_254_740_993_i64),
        ] {
            assert!(matches!(
                canonical_json(&json!({"n": [big]})),
                Err(SignError::UnsafeInteger(_))
            ));
        }
        assert!(matches!(
            canonical_json(&u64::MAX),
            Err(SignError::UnsafeInteger(_))
        ));
        let mut keyed = BTreeMap::new();
        keyed.insert(9_007_199_254_740_993_u64, 1);
        assert!(matches!(
            canonical_json(&keyed),
            Err(SignError::UnsafeInteger(_))
        ));
        let mut small = BTreeMap::new();
        small.insert(12_u64, 1);
        small.insert(3, 2);
        assert_eq!(canonical_json(&small).unwrap(), r#"{"12":1,"3":2}"#);
    }

    #[test]
    fn non_finite_floats_are_refused() {
        let nested = json!({"a": [1.5]});
        assert_eq!(canonical_json(&nested).unwrap(), r#"{"a":[1.5]}"#);
        let mut map = BTreeMap::new();
        map.insert("x", vec![1.0, f64::INFINITY]);
        for result in [
            canonical_json(&f64::NAN),
            canonical_json(&vec![f64::NEG_INFINITY]),
            canonical_json(&map),
            canonical_json(&Some(f32::NAN)),
        ] {
            assert!(matches!(result, Err(SignError::NonFiniteNumber)));
        }
    }

    #[test]
    fn rust_maps_and_structs_canonicalise_like_their_json() {
        let mut map = BTreeMap::new();
        map.insert("\u{e9}", 1);
        map.insert("z", 2);
        assert_eq!(canonical_json(&map).unwrap(), r#"{"z":2,"é":1}"#);
    }
}
