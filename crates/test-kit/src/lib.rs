//! What the tests of several crates share: the store story every backend must pass.

pub mod story;
