//! The books of a split year and its index: which books changed since they were last written
//! (by a key of their content, kept in the ledger), building those in parallel, and the index
//! when anything it shows changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::year::{StoredInput, YearPlan};
use super::{PublishError, generated_at, publish};
use crate::config::Config;
use crate::domain::model::FiscalYear;
use crate::ledger::Ledger;
use crate::output::{Sync, sync_folder};
use crate::summary::{self, IndexInput, IndexRow, Part};

/// What one book of a split summary last had written: the key of its content, and its lines
/// for the index (so an unchanged book is neither rebuilt nor read again).
#[derive(Debug, Serialize, Deserialize)]
struct BookState {
    key: String,
    rows: Vec<IndexRow>,
}

fn book_meta(fy: FiscalYear, number: usize) -> String {
    format!("summary_book:{}:{number}", fy.be())
}

pub(super) fn index_meta(fy: FiscalYear) -> String {
    format!("summary_index:{}", fy.be())
}

/// Where a year's summaries go, and what every key of their content starts with.
#[derive(Clone, Copy)]
pub(super) struct Target<'r> {
    pub(super) summary_dir: &'r Path,
    pub(super) config: &'r Config,
    /// The configuration's fingerprint.
    pub(super) fingerprint: &'r str,
}

/// How a split year's divisions fall into books.
struct Books<'p> {
    fy: FiscalYear,
    count: usize,
    /// The book (1-based) of each division, by normalised code.
    book_of: HashMap<&'p str, usize>,
    parts: Vec<Part>,
    /// The books' file names, in order.
    names: Vec<String>,
}

impl<'p> Books<'p> {
    fn new(plan: &'p YearPlan<'_>, per_book: usize) -> Self {
        let fy = plan.fy;
        let count = plan.members.len().div_ceil(per_book);
        let book_of = plan
            .members
            .iter()
            .enumerate()
            .map(|(i, (key, _))| (key.as_str(), i / per_book + 1))
            .collect();
        let parts: Vec<Part> = plan
            .members
            .chunks(per_book)
            .enumerate()
            .map(|(i, chunk)| Part {
                number: i + 1,
                count,
                first_code: chunk.first().map(|m| m.1.clone()).unwrap_or_default(),
                last_code: chunk.last().map(|m| m.1.clone()).unwrap_or_default(),
            })
            .collect();
        let names = parts
            .iter()
            .map(|p| summary::book_file_name(fy, p.number, count))
            .collect();
        Self {
            fy,
            count,
            book_of,
            parts,
            names,
        }
    }
}

/// A book to build again, and the key of its new content.
type StaleBook = (Part, String);

/// A book just written: its place among the stale books, its path, where it went (that path, or
/// a dated copy beside it) and its lines for the index.
struct BuiltBook {
    stale: usize,
    path: PathBuf,
    went_to: PathBuf,
    rows: Vec<IndexRow>,
}

/// Writes the books whose content changed and then the index (if anything in it changed).
/// Books are built in parallel, a few at a time, so only those few are in memory. Returns the
/// books' file names, and whether every file went where it belongs.
pub(super) fn write_books(
    target: Target<'_>,
    ledger: &mut Ledger,
    plan: &YearPlan<'_>,
    per_book: usize,
    written: &mut Vec<PathBuf>,
) -> Result<(Vec<String>, bool), PublishError> {
    let books = Books::new(plan, per_book);
    let book_plans = plan.split(books.count, |k| books.book_of.get(k).copied());
    let (mut states, stale) = stale_books(target, ledger, &books, &book_plans)?;
    tracing::debug!(
        books = books.count,
        rebuilt = stale.len(),
        "summary: books to write"
    );
    // A book is forgotten before it is replaced, so a pass that stops halfway leaves no record
    // claiming the old key for new content (or the reverse).
    for (part, _) in &stale {
        ledger.set_meta(&book_meta(books.fy, part.number), "")?;
    }
    let built = build_books(target, ledger, &books, &book_plans, &stale)?;
    let mut in_place = record_books(target, ledger, &books, &stale, built, &mut states, written)?;
    tracing::debug!("summary: books written");
    in_place &= write_index(target, ledger, plan, &books, states, written)?;
    Ok((books.names, in_place))
}

/// The stored state of each book (`None` for a book to build again) and the books to build
/// again: those whose content changed, or whose file is gone.
fn stale_books(
    target: Target<'_>,
    ledger: &Ledger,
    books: &Books<'_>,
    book_plans: &[YearPlan<'_>],
) -> Result<(Vec<Option<BookState>>, Vec<StaleBook>), PublishError> {
    // Every book's key starts with the configuration (1.5 MB of text with a registry of
    // 10,000): hashed once here, and each book's hash goes on from a copy of this state.
    let mut seeded = Sha256::new();
    seeded.update(target.fingerprint);
    let mut states: Vec<Option<BookState>> = Vec::with_capacity(books.count);
    let mut stale = Vec::new();
    for part in &books.parts {
        let key = book_plans[part.number - 1].key(&seeded, part);
        let stored: Option<BookState> = ledger
            .meta(&book_meta(books.fy, part.number))?
            .and_then(|json| serde_json::from_str(&json).ok());
        let file_there = target
            .summary_dir
            .join(&books.names[part.number - 1])
            .exists();
        match stored {
            Some(state) if state.key == key && file_there => states.push(Some(state)),
            _ => {
                states.push(None);
                stale.push((part.clone(), key));
            }
        }
    }
    Ok((states, stale))
}

/// Builds and writes the `stale` books, in their order. Books are read from the ledger on this
/// thread (a connection is not shared) and handed to the cores as they are read, which parse,
/// build and write them meanwhile. The hand-off holds a few books per core at most, so memory
/// stays flat however many books there are.
fn build_books(
    target: Target<'_>,
    ledger: &Ledger,
    books: &Books<'_>,
    book_plans: &[YearPlan<'_>],
    stale: &[StaleBook],
) -> Result<Vec<BuiltBook>, PublishError> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, StoredInput<'_>)>(
        rayon::current_num_threads().max(1) * 2,
    );
    let (read, built) = std::thread::scope(|scope| {
        let builder = scope.spawn(move || {
            rx.into_iter()
                .par_bridge()
                .map(|(i, stored)| build_book(target.summary_dir, books, i, stored))
                .collect::<Vec<Result<_, PublishError>>>()
        });
        let read = (|| {
            for (i, (part, _)) in stale.iter().enumerate() {
                let stored = book_plans[part.number - 1].stored_input(
                    ledger,
                    target.config,
                    Some(part.clone()),
                )?;
                if tx.send((i, stored)).is_err() {
                    break;
                }
            }
            Ok::<(), PublishError>(())
        })();
        drop(tx);
        let built = builder
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (read, built)
    });
    read?;
    let mut built = built
        .into_iter()
        .collect::<Result<Vec<_>, PublishError>>()?;
    built.sort_by_key(|b| b.stale);
    Ok(built)
}

/// Parses, builds and writes one book; `stale` is its place among the books to build.
fn build_book(
    summary_dir: &Path,
    books: &Books<'_>,
    stale: usize,
    stored: StoredInput<'_>,
) -> Result<BuiltBook, PublishError> {
    let input = stored.parse()?;
    let n = input.part.as_ref().map_or(0, |p| p.number);
    let bytes = summary::to_bytes(&input).map_err(|source| PublishError::Build {
        fiscal_year: books.fy.be(),
        source,
    })?;
    let rows = summary::index_rows(&input, n);
    drop(input);
    let path = summary_dir.join(&books.names[n - 1]);
    let went_to = publish(&path, &bytes, Sync::Batched)?;
    Ok(BuiltBook {
        stale,
        path,
        went_to,
        rows,
    })
}

/// Records the books just built once they are all on disk (one flush for all, not one per
/// book), and puts their states in `states`. Returns whether every book went to its own file.
fn record_books(
    target: Target<'_>,
    ledger: &mut Ledger,
    books: &Books<'_>,
    stale: &[StaleBook],
    built: Vec<BuiltBook>,
    states: &mut [Option<BookState>],
    written: &mut Vec<PathBuf>,
) -> Result<bool, PublishError> {
    let mut in_place = true;
    let mut written_states = Vec::new();
    for book in built {
        let (part, key) = &stale[book.stale];
        let state = BookState {
            key: key.clone(),
            rows: book.rows,
        };
        // A book that went to a dated copy (the file is open somewhere) is not recorded, so
        // the next pass that writes summaries writes it again.
        in_place &= book.went_to == book.path;
        if book.went_to == book.path {
            written_states.push((
                part.number,
                serde_json::to_string(&state).unwrap_or_default(),
            ));
        }
        written.push(book.went_to);
        states[part.number - 1] = Some(state);
    }
    if !written_states.is_empty() {
        sync_folder(target.summary_dir).map_err(|source| PublishError::Write {
            path: target.summary_dir.to_path_buf(),
            source,
        })?;
        for (number, state) in written_states {
            ledger.set_meta(&book_meta(books.fy, number), &state)?;
        }
    }
    Ok(in_place)
}

/// Writes the index of a split year if anything it shows changed, or if it is missing: the
/// books' lines (`states`, every book's by now) and the files that belong to no book. Returns
/// whether it is where it belongs (written there, or unchanged).
fn write_index(
    target: Target<'_>,
    ledger: &mut Ledger,
    plan: &YearPlan<'_>,
    books: &Books<'_>,
    states: Vec<Option<BookState>>,
    written: &mut Vec<PathBuf>,
) -> Result<bool, PublishError> {
    let fy = books.fy;
    let (submissions, diagnostics) = plan.unassigned(|k| books.book_of.contains_key(k));
    let mut hasher = Sha256::new();
    hasher.update(target.fingerprint);
    for s in states.iter().flatten() {
        hasher.update(s.key.as_bytes());
    }
    hasher.update(plan.rows_key(|k| !books.book_of.contains_key(k)));
    if let Some(board) = &plan.status {
        hasher.update(board.digest());
    }
    let index_key = format!("{:x}", hasher.finalize());
    let index_path = target.summary_dir.join(summary::file_name(fy));
    if ledger.meta(&index_meta(fy))?.as_deref() == Some(index_key.as_str()) && index_path.exists() {
        return Ok(true);
    }
    let index = IndexInput {
        fiscal_year: fy,
        below_level1: target.config.below_level1(),
        generated_at: generated_at(),
        rows: states.into_iter().flatten().flat_map(|s| s.rows).collect(),
        books: books
            .parts
            .iter()
            .cloned()
            .zip(books.names.iter().cloned())
            .collect(),
        submissions,
        diagnostics,
        status: plan.status.clone(),
    };
    let bytes = summary::index_to_bytes(&index).map_err(|source| PublishError::Build {
        fiscal_year: fy.be(),
        source,
    })?;
    ledger.set_meta(&index_meta(fy), "")?;
    let went_to = publish(&index_path, &bytes, Sync::Now)?;
    tracing::debug!(divisions = plan.members.len(), "summary: index written");
    let in_place = went_to == index_path;
    if in_place {
        ledger.set_meta(&index_meta(fy), &index_key)?;
    }
    written.push(went_to);
    Ok(in_place)
}
