//! kpiwatch's integration tests, one module per area, linked into one test binary so the suite
//! builds and links once. `harness` holds what the areas share: a temporary folder with the real
//! binary run in it, workbook fixtures, and LibreOffice as the real client.

mod harness;

mod arriving;
mod bounds;
mod check_cli;
mod demo;
mod diagnostics;
mod faults;
mod hostile;
mod libreoffice;
mod mail;
mod names;
mod print;
mod reader;
mod reminders;
mod returned;
mod rounds;
mod rounds_state;
mod run;
mod score_cli;
mod smtp;
mod summary;
mod template;
mod typed;
mod typed_forms;
mod watch;
