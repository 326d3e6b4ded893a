print("ledger-bench: being written")
