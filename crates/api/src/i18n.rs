//! The UI's strings, from `web/locales/{id,en}.toml`, embedded in the binary.
//! Bahasa Indonesia is the default; English on request.

use std::collections::HashMap;

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }
}

pub struct Locales {
    id: HashMap<String, String>,
    en: HashMap<String, String>,
}

const ID: &str = include_str!("../../../web/locales/id.toml");
const EN: &str = include_str!("../../../web/locales/en.toml");

/// Flattens nested TOML tables into dotted keys: `[nav] home = ".."` -> `nav.home`.
fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, out),
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            other => {
                out.insert(full, format!("{other:?}"));
            }
        }
    }
}

fn parse(name: &str, src: &str) -> anyhow::Result<HashMap<String, String>> {
    let table: toml::Table =
        toml::from_str(src).map_err(|e| anyhow::anyhow!("web/locales/{name}.toml: {e}"))?;
    let mut out = HashMap::new();
    flatten("", &table, &mut out);
    Ok(out)
}

impl Locales {
    pub fn load() -> anyhow::Result<Locales> {
        Ok(Locales {
            id: parse("id", ID)?,
            en: parse("en", EN)?,
        })
    }

    /// The string for `key`, falling back to Indonesian, then to the key itself so a
    /// missing string shows up plainly instead of breaking the page.
    pub fn get<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        let primary = match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        };
        primary
            .get(key)
            .or_else(|| self.id.get(key))
            .map_or(key, String::as_str)
    }

    /// Keys present in one language but not the other (checked by a test).
    #[cfg(test)]
    fn missing(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .id
            .keys()
            .filter(|k| !self.en.contains_key(*k))
            .chain(self.en.keys().filter(|k| !self.id.contains_key(*k)))
            .cloned()
            .collect();
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Locales;

    #[test]
    fn both_languages_have_the_same_keys() {
        let locales = Locales::load().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(locales.missing(), Vec::<String>::new());
    }
}
