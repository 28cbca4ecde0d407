//! Pages rendered once for many visitors (a lesson), bounded by entries and bytes.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::i18n::Lang;

/// At most this many shared pages are kept, holding at most [`SHARED_PAGES_BYTES`]; past
/// either the store starts again (a version change leaves old keys behind, and odd
/// spellings of a path make new ones).
const SHARED_PAGES_MAX: usize = 1024;
const SHARED_PAGES_BYTES: usize = 64 << 20;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SharedKey {
    pub key: String,
    pub lang: Lang,
    pub roles: u8,
}

/// A shared page, split where each visitor's CSRF token goes.
type Pieces = Arc<[String]>;

/// Pages rendered once for many visitors ([`Page::render_shared`]), split where each
/// visitor's CSRF token goes.
#[derive(Default)]
pub struct SharedPages {
    map: RwLock<(HashMap<SharedKey, Pieces>, usize)>,
}

impl SharedPages {
    /// Pages held, and their bytes.
    pub fn size(&self) -> (usize, usize) {
        self.map.read().map_or((0, 0), |m| (m.0.len(), m.1))
    }

    pub fn get(&self, key: &SharedKey) -> Option<Arc<[String]>> {
        self.map.read().ok()?.0.get(key).cloned()
    }

    pub fn put(&self, key: SharedKey, pieces: Arc<[String]>) {
        let weigh =
            |pieces: &[String]| key.key.len() + pieces.iter().map(|p| p.len() + 24).sum::<usize>();
        let bytes = weigh(&pieces);
        if let Ok(mut guard) = self.map.write() {
            let (map, total) = &mut *guard;
            if map.len() >= SHARED_PAGES_MAX || *total + bytes > SHARED_PAGES_BYTES {
                map.clear();
                *total = 0;
            }
            let old = map.get(&key).map(|old| weigh(old));
            map.insert(key, pieces);
            *total = *total - old.unwrap_or(0) + bytes;
        }
    }
}
