//! Typed parse errors that name the place (line/column) a person can look at.

use std::fmt;

/// A 1-based line and column (in characters) plus the byte offset into the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: usize,
}

impl Position {
    /// Computes line and column of `offset` in `input` (clamped to the input's length).
    pub fn locate(input: &[u8], offset: usize) -> Self {
        let offset = offset.min(input.len());
        let before = &input[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // Count characters, not bytes: continuation bytes of UTF-8 are 0b10xx_xxxx.
        let column = before[line_start..]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count()
            + 1;
        Self {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            offset,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlErrorKind {
    #[error("input is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("elements nested deeper than the limit of {limit}")]
    TooDeep { limit: usize },
    #[error("more than {limit} nodes")]
    TooManyNodes { limit: usize },
    #[error("element has more than {limit} attributes")]
    TooManyAttributes { limit: usize },
    #[error("input is not valid UTF-8")]
    NotUtf8,
    #[error("encoding {0:?} is declared; only UTF-8 is accepted")]
    UnsupportedEncoding(String),
    #[error("XML version {0:?} is declared; only 1.0 is accepted")]
    UnsupportedVersion(String),
    #[error("a DOCTYPE is present; DTDs are never processed (XXE, entity expansion, ID injection)")]
    Doctype,
    #[error("processing instruction <?{0} ...?> is not allowed")]
    ProcessingInstruction(String),
    #[error("the XML declaration may only stand at the very start")]
    MisplacedDeclaration,
    #[error("no root element")]
    NoRoot,
    #[error("more than one root element")]
    MultipleRoots,
    #[error("text outside the root element")]
    TextOutsideRoot,
    #[error("undeclared namespace prefix {0:?}")]
    UndeclaredPrefix(String),
    #[error("the prefix {0:?} is reserved and may not be declared")]
    ReservedPrefix(String),
    #[error("namespace URI {0:?} is reserved and may not be bound to a prefix")]
    ReservedNamespace(String),
    #[error("namespace URI {0:?} is not absolute; canonicalization cannot handle relative URIs")]
    RelativeNamespace(String),
    #[error(
        "namespace URI {0:?} is not written as a URI (RFC 3986: ASCII letters, digits, -._~:/?#[]@!$&'()*+,;= and %XX only); canonicalization refuses it"
    )]
    InvalidNamespaceUri(String),
    #[error("prefix {0:?} is bound to the empty URI, which XML 1.0 namespaces do not allow")]
    EmptyPrefixBinding(String),
    #[error("attribute {0:?} appears twice (after namespace resolution)")]
    DuplicateAttribute(String),
    #[error("attribute name xml:xmlns is not allowed")]
    XmlXmlnsAttribute,
    #[error("invalid name {0:?}")]
    InvalidName(String),
    #[error("unknown entity reference &{0};")]
    UnknownEntity(String),
    #[error("invalid character reference &{0};")]
    InvalidCharRef(String),
    #[error("character U+{0:04X} is not allowed in XML")]
    InvalidChar(u32),
    #[error("'<' inside an attribute value")]
    LtInAttributeValue,
    #[error("']]>' inside text")]
    CdataEndInText,
    #[error("end tag </{found}> does not match <{expected}>")]
    MismatchedEndTag { expected: String, found: String },
    #[error("document ends inside an element")]
    UnexpectedEof,
    #[error("malformed XML: {0}")]
    Malformed(String),
}

/// A parse error with the place it happened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at {position}")]
pub struct XmlError {
    pub kind: XmlErrorKind,
    pub position: Position,
}
