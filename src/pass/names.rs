//! Names: the identity of an inbox file (its raw OS name, escaped unambiguously into text), the
//! form shown to people, and every name kpiwatch derives from a submission (archive folders and
//! files, receipts) made valid on Windows, SMB, macOS and Linux, at most 255 bytes, and unique.

use std::path::Path;

use sha2::{Digest, Sha256};

/// A name's limit on every file system kpiwatch writes to: 255 bytes (Linux, UTF-8) and 255
/// UTF-16 units (Windows, SMB, macOS).
pub const NAME_MAX: usize = 255;

/// The mark of a name that could not be kept as it was: `~` and the first [`TAG_HEX`] hex
/// digits of the SHA-256 of the original name. Names kept as they are never hold a `~`, so a
/// marked name can never equal a kept one.
const MARK: char = '~';
const TAG_HEX: usize = 10;

/// The ledger's key for a path relative to the inbox: its components joined by '/', each the
/// raw OS name where it is valid Unicode, with a byte that is not (an old client's TIS-620
/// name) written `\xHH` and a backslash written `\\`. Two different raw names never share a
/// key, and a key made from valid UTF-8 without a backslash is the name itself.
pub fn key_of(rel: &Path) -> String {
    rel.components()
        .map(|c| escape(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(unix)]
fn escape(name: &std::ffi::OsStr) -> String {
    use std::fmt::Write;
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::with_capacity(name.len());
    for chunk in name.as_bytes().utf8_chunks() {
        push_escaped(&mut out, chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// Windows names are UTF-16: a lone surrogate, which is not Unicode, is written `\u{d800}`.
#[cfg(not(unix))]
fn escape(name: &std::ffi::OsStr) -> String {
    use std::fmt::Write;
    #[cfg(windows)]
    let units: Vec<u16> = std::os::windows::ffi::OsStrExt::encode_wide(name).collect();
    #[cfg(not(windows))]
    let units: Vec<u16> = name.to_string_lossy().encode_utf16().collect();
    let mut out = String::with_capacity(units.len());
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => push_escaped(&mut out, c.encode_utf8(&mut [0; 4])),
            Err(e) => {
                let _ = write!(out, "\\u{{{:x}}}", e.unpaired_surrogate());
            }
        }
    }
    out
}

fn push_escaped(out: &mut String, valid: &str) {
    for c in valid.chars() {
        if c == '\\' {
            out.push_str("\\\\");
        } else {
            out.push(c);
        }
    }
}

/// A key as people see it: each byte that is not valid text becomes "�" (what a file manager
/// shows). Two files may look alike this way; their keys, receipts and archive names differ.
pub fn display(key: &str) -> String {
    if !key.contains('\\') {
        return key.to_owned();
    }
    let mut bytes = Vec::with_capacity(key.len());
    let mut rest = key;
    while let Some(i) = rest.find('\\') {
        bytes.extend_from_slice(&rest.as_bytes()[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('\\') {
            bytes.push(b'\\');
            rest = tail;
        } else if let Some(b) = after
            .strip_prefix('x')
            .and_then(|t| t.get(..2))
            .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            bytes.push(b);
            rest = &after[3..];
        } else if let Some(end) = after.strip_prefix("u{").and_then(|t| t.find('}')) {
            bytes.extend_from_slice("\u{fffd}".as_bytes());
            rest = &after[end + 3..];
        } else {
            bytes.push(b'\\');
            rest = after;
        }
    }
    bytes.extend_from_slice(rest.as_bytes());
    String::from_utf8_lossy(&bytes).into_owned()
}

/// How a derived name is formed and what it must stay apart from.
#[derive(Debug, Clone, Copy)]
struct Form<'a> {
    /// Put before the name (the archive's hash prefix).
    prefix: &'a str,
    /// Put after the name (a receipt's ".txt").
    suffix: &'a str,
    /// The name keeps a file's extension when it has to be marked.
    file: bool,
    /// Names differing only by case must map apart (a case-insensitive share would merge them).
    case_unique: bool,
    /// A folder's name must never end like one of these (a receipt's ".txt", a returned
    /// workbook's ending), so that no folder can take the place of a file.
    folder_not_ending: &'a [&'a str],
}

/// The receipt of the inbox file `key`, relative to the receipts folder: the inbox's folders
/// and the file's name followed by ".txt", each made portable (docs/operations.md, "Names on the
/// share"). No two inbox files get the same receipt, and no receipt folder can be named
/// like a receipt.
pub fn receipt_path(key: &str) -> String {
    derived_path(key, RECEIPT_SUFFIX)
}

/// The returned workbook of the inbox file `key`, relative to the receipts folder: beside its
/// receipt, the file's name followed by ".returned.xlsx", made portable as a receipt's is.
pub fn returned_path(key: &str) -> String {
    derived_path(key, RETURNED_SUFFIX)
}

/// `key`'s folders and name followed by `suffix`, each made portable.
fn derived_path(key: &str, suffix: &str) -> String {
    let mut parts: Vec<&str> = key.split('/').collect();
    let name = parts.pop().unwrap_or_default();
    let mut out: Vec<String> = parts
        .into_iter()
        .map(|folder| {
            portable(
                folder,
                Form {
                    prefix: "",
                    suffix: "",
                    file: false,
                    case_unique: true,
                    folder_not_ending: &[RECEIPT_SUFFIX, RETURNED_SUFFIX],
                },
            )
        })
        .collect();
    out.push(portable(
        name,
        Form {
            prefix: "",
            suffix,
            file: true,
            case_unique: true,
            folder_not_ending: &[],
        },
    ));
    out.join("/")
}

const RECEIPT_SUFFIX: &str = ".txt";
const RETURNED_SUFFIX: &str = ".returned.xlsx";

/// An archive folder named after `text` (a division code as written, e.g. "สยผ."): kept if it
/// is portable, else marked.
pub fn archive_folder(text: &str) -> String {
    portable(
        text.trim(),
        Form {
            prefix: "",
            suffix: "",
            file: false,
            case_unique: true,
            folder_not_ending: &[],
        },
    )
}

/// An archived version's file name: `<hash prefix>-<file name>`. Names differing only by case
/// may meet here: the hash prefix names the content, so such names hold the same bytes.
pub fn archive_file(hash_prefix: &str, key_name: &str) -> String {
    portable(
        key_name,
        Form {
            prefix: &format!("{hash_prefix}-"),
            suffix: "",
            file: true,
            case_unique: false,
            folder_not_ending: &[],
        },
    )
}

/// `raw` within `form`, kept as it is when that is valid everywhere, else cleaned, cut and
/// marked with the hash of `raw`.
fn portable(raw: &str, form: Form<'_>) -> String {
    let whole = format!("{}{raw}{}", form.prefix, form.suffix);
    if is_kept(raw, &whole, form) {
        return whole;
    }
    let shown = display(raw);
    let (stem, ext) = if form.file {
        split_extension(&shown)
    } else {
        (shown.as_str(), "")
    };
    let tag = format!("{MARK}{}", tag(raw));
    let fixed = form.prefix.len() + tag.len() + ext.len() + form.suffix.len();
    let cleaned = clean(stem);
    let stem = cut(&cleaned, NAME_MAX.saturating_sub(fixed));
    let mut name = format!("{stem}{tag}{ext}");
    if form.prefix.is_empty() && (is_reserved(&name) || name.starts_with(['.', ' '])) {
        name.insert(0, '_');
    }
    format!("{}{name}{}", form.prefix, form.suffix)
}

/// Whether `raw` can be used as it is: `whole` (with prefix and suffix) fits and is valid on
/// every file system, and `raw` cannot be confused with a marked name or (where asked) with
/// another name differing only by case.
fn is_kept(raw: &str, whole: &str, form: Form<'_>) -> bool {
    !raw.is_empty()
        && raw != "."
        && raw != ".."
        && fits(whole)
        && !raw.contains(MARK)
        && whole.chars().all(|c| !is_forbidden(c))
        && !whole.starts_with(['.', ' '])
        && !whole.ends_with(['.', ' '])
        && !is_reserved(whole)
        && !(form.case_unique && raw.chars().any(|c| c.to_lowercase().ne([c])))
        && form
            .folder_not_ending
            .iter()
            .all(|end| !whole.to_lowercase().ends_with(&end.to_lowercase()))
}

/// Within both limits: bytes in UTF-8 and units in UTF-16.
pub fn fits(name: &str) -> bool {
    name.len() <= NAME_MAX && name.encode_utf16().count() <= NAME_MAX
}

/// Characters Windows and SMB refuse in a name (a backslash also starts a key's escape).
fn is_forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*')
}

/// Windows' device names, refused with any extension ("CON.xlsx") and in any case.
fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    let upper = stem.to_ascii_uppercase();
    matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ["COM", "LPT"].iter().any(|dev| {
        upper.strip_prefix(dev).is_some_and(|n| {
            matches!(
                n,
                "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
            )
        })
    })
}

/// Forbidden characters become '_'; leading and trailing dots and spaces go.
fn clean(stem: &str) -> String {
    let cleaned: String = stem
        .chars()
        .map(|c| if is_forbidden(c) { '_' } else { c })
        .collect();
    cleaned.trim_matches(['.', ' ']).to_owned()
}

/// The longest start of `s` within `bytes` bytes (and as many UTF-16 units), cut between
/// characters, without a trailing dot or space.
fn cut(s: &str, bytes: usize) -> &str {
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if i + c.len_utf8() > bytes {
            break;
        }
        end = i + c.len_utf8();
    }
    s[..end].trim_end_matches(['.', ' '])
}

/// "kpi 2564.xlsx" → ("kpi 2564", ".xlsx"): an extension is kept only when it is short and
/// plain, so a mark always sits right before it.
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i)
            if i > 0
                && (2..=9).contains(&(name.len() - i))
                && name[i + 1..].chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            (&name[..i], &name[i..])
        }
        _ => (name, ""),
    }
}

/// The first [`TAG_HEX`] hex digits of the SHA-256 of `raw` (a key, so the raw bytes).
fn tag(raw: &str) -> String {
    let digest = Sha256::digest(raw.as_bytes());
    let mut hex = String::with_capacity(TAG_HEX);
    for b in digest.iter().take(TAG_HEX / 2) {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

#[cfg(test)]
mod tests;
