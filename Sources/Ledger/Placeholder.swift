/// Placeholder until the ledger core lands.
enum LedgerPlaceholder {}
