-- Tx::check (crates/polku-store/src/tx.rs), asked by Tx::commit.
SELECT 1;
