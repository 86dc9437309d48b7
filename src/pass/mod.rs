//! One pass over a share and the loop that repeats it: listing the inbox ([`share`]), judging
//! and archiving each new version and recording it in the ledger ([`consolidate`]), answering
//! each file with a receipt ([`receipt`]), and watching the inbox for changes ([`watch`]).

pub mod consolidate;
pub mod receipt;
pub mod share;
pub mod watch;
