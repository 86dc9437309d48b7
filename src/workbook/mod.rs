//! The standard KPI workbook: the one declared field table ([`layout`]), the template written
//! from it ([`template`]) and the reader of filled workbooks ([`reader`]), which turns any
//! spreadsheet format calamine opens into the domain's model.

pub mod layout;
pub mod reader;
pub mod template;
