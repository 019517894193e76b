//! The one strict XML tree every later step reads.
//!
//! Parsing happens exactly once (`parse`); signature verification, canonicalization and SAML
//! checks all walk the same arena. Two parsers seeing different trees is the root cause of most
//! SAML bypasses (parser differentials, CVE-2025-25291/25292), so nothing re-parses text.

pub(crate) mod bytes;
mod error;
mod escape;
mod limits;
pub mod ns;
mod parser;
pub(crate) mod screen;
mod tree;

pub use error::{Position, XmlError, XmlErrorKind};
pub use escape::{escape_attr, escape_text};
pub use limits::Limits;
pub use parser::{parse, parse_with_limits};
pub use tree::{Attribute, Document, Element, Name, NodeId, NodeKind, NsDecl, Span, XmlStr};
