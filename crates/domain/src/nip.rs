//! `Nip`: the 18-digit Nomor Induk Pegawai, only constructible when its structure is valid.
//! It lives in the store, which keeps it in the `users` and `certificates` tables.

pub use lentera_store::{Nip, NipError};
