//! Mock JumpCloud IdP.
