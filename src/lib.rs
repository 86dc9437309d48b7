//! kpiwatch: placeholder
