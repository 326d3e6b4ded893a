// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Custody",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "custody", targets: ["custody"]),
        .executable(name: "virtual-sim", targets: ["virtual-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // libpcsclite's C API, nothing else; only the PCSC target imports it.
        .systemLibrary(
            name: "CPCSCLite",
            pkgConfig: "libpcsclite",
            providers: [.apt(["libpcsclite-dev"])]
        ),
        // libqrencode's C API, nothing else; only the Labels target imports it.
        .systemLibrary(
            name: "CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        // Typed Swift wrapper over PC/SC: contexts, readers, cards, status changes, PCSCError.
        .target(name: "PCSC", dependencies: ["CPCSCLite"]),
        // SplitMix64, the seeded generator of the simulator's fault mode, the seizure catalog
        // generator and the fuzz-style tests; depends on nothing.
        .target(name: "SeededRandom"),
        // Hex and base64 text of bytes, the one implementation every target uses; depends on nothing.
        .target(name: "ByteText"),
        // APDUs, status words, the read-only guard, transcripts, SIM file decoders, the ID read.
        .target(
            name: "SIMCard",
            dependencies: ["ByteText", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Resources/mcc-mnc.csv"), .copy("Resources/e118-iin.csv")]
        ),
        // Modules in modem pools and SIM boxes over AT commands (docs/MODEMS.md): the serial port,
        // the AT session and its transcript, the read-only AT guard, the dialect table, and the
        // AT+CSIM / AT+CRSM card transports that run SIMCard's engine through a module.
        .target(
            name: "Modem",
            dependencies: ["ByteText", "SIMCard", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Append-only, hash-chained, Ed25519-signed custody ledger; RFC 6962 Merkle tree,
        // C2SP checkpoints and proofs; verification. Pure: no storage (docs/LEDGER.md).
        .target(
            name: "Ledger",
            dependencies: ["ByteText", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The case store: case, examiners, items, acquisitions, custody events; every change and
        // its ledger entry in one transaction. One SQLite file per case (GRDB, WAL) or one
        // PostgreSQL database per case (postgres-nio).
        .target(
            name: "CaseStore",
            dependencies: ["Ledger", "SIMCard", "Wording", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Crypto", package: "swift-crypto"), .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        // The languages (vi, en) and their catalogs: every word and format a printed document or
        // label carries (docs/LANGUAGES.md). Depends on nothing.
        .target(name: "Wording", resources: [.copy("Resources/catalogs")]),
        // Unicode text in PDFs: TrueType fonts read, subset and embedded (Type 0, Identity-H,
        // ToUnicode), the shared PDF syntax (numbers, strings, the file). Depends on nothing.
        .target(name: "PDFText"),
        // Printable exhibit labels: QR codes (libqrencode), the A4 label sheet, PDF and SVG writers.
        .target(name: "Labels", dependencies: ["CQRencode", "PDFText", "Wording"]),
        // Evidence bundles for prosecutors and the defense: writer and offline verifier
        // (docs/VERIFYING.md), the case as CASE/UCO JSON-LD (docs/CASE-UCO.md), the court report
        // (HTML from Mustache templates, PDF through headless Chromium; docs/REPORT.md), the records
        // (biên bản) of custody events, printed the same way with a QR code from Labels (docs/RECORDS.md).
        .target(
            name: "Export",
            dependencies: ["Analysis", "ByteText", "CaseStore", "Labels", "Ledger", "SIMCard", "Wording", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Mustache", package: "swift-mustache")],
            resources: [.copy("Resources/report"), .copy("Resources/forms")]
        ),
        // Application layer, every use case a front end triggers: open a case, list readers, read a
        // card into a case, watch N readers (the batch engine, event-driven), examine a module and
        // its SIM in place over AT, export a bundle, operator lists, label sheets, and the output
        // structures the --json schemas are made of.
        // Front ends parse and print only: no PCSC, GRDB or PostgresNIO (Scripts/check-imports).
        .target(
            name: "Workbench",
            dependencies: ["PCSC", "Modem", "ByteText", "SIMCard", "Ledger", "CaseStore", "Labels", "Export", "Wording",
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "HummingbirdBcrypt", package: "hummingbird-auth")]
        ),
        // The evidence-room desk (docs/DESK.md), a front end like the CLI: the Hummingbird server, its
        // sessions, CSRF and roles, the pages (Mustache templates with the Wording catalogs) and the
        // JSON API /api/v1. Parses and renders only; every use case is Workbench's.
        .target(
            name: "Desk",
            dependencies: ["Workbench", "Wording", "Export",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTLS", package: "hummingbird"),
                           .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl"),
                           .product(name: "Mustache", package: "swift-mustache")],
            resources: [.copy("Resources/desk")]
        ),
        .executableTarget(
            name: "custody",
            dependencies: [
                "Workbench", "Desk", "SIMCard", "Ledger", "CaseStore", "Labels", "Export", "Wording",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "virtual-sim",
            dependencies: [
                "ByteText", "SIMCard", "SeededRandom",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Campaign analysis of messages (docs/ANALYSIS.md): Vietnamese normalisation, MinHash + LSH
        // near-duplicate clustering, the category lexicon, indicators. Pure: Foundation and SeededRandom
        // (the MinHash permutations), no store, no I/O.
        .target(name: "Analysis", dependencies: ["SeededRandom"]),
        // Percentiles, durations and number formatting shared by the benchmarks.
        .target(name: "BenchmarkSupport", path: "Benchmarks/Support"),
        // Scripts/bench: ID-read speed on the rig against a raw PC/SC transmit baseline.
        .executableTarget(
            name: "id-read-bench",
            dependencies: ["PCSC", "ByteText", "SIMCard", "Workbench", "BenchmarkSupport"],
            path: "Benchmarks/IDRead"
        ),
        // Scripts/bench-ledger: append and verify throughput against raw Ed25519 and SHA-256 rates.
        .executableTarget(
            name: "ledger-bench",
            dependencies: ["Ledger", "CaseStore", "BenchmarkSupport", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/Ledger"
        ),
        // A simulated seizure shaped like CONTEXT.md's, as catalog rows (seizure-gen, registry-bench, tests).
        .target(name: "SeizureCatalog", dependencies: ["CaseStore", "SeededRandom", "SIMCard"], path: "Benchmarks/SeizureGen/Catalog"),
        // Messages shaped like the seizure's traffic (spam campaigns, notices, chats) with their ground truth.
        .target(name: "SeizureMessages", dependencies: ["SeededRandom"], path: "Benchmarks/SeizureGen/Messages"),
        // seizure-gen --scale S [--seed N] --out FILE.csv: the catalog for `custody device import`;
        // seizure-gen --messages N --out FILE.csv --truth FILE.csv: a sender log and its ground truth.
        .executableTarget(name: "seizure-gen", dependencies: ["SeizureCatalog", "SeizureMessages"], path: "Benchmarks/SeizureGen/Tool"),
        // Scripts/bench-analysis: campaign clustering of generated messages against datasketch's MinHashLSH.
        .executableTarget(
            name: "analysis-bench",
            dependencies: ["Analysis", "SeizureMessages", "BenchmarkSupport"],
            path: "Benchmarks/Analysis",
            exclude: ["datasketch_groups.py"]
        ),
        // Scripts/bench-registry: catalog import, summary and find at scale 1 and 10 against raw SQLite baselines.
        .executableTarget(
            name: "registry-bench",
            dependencies: ["CaseStore", "SeizureCatalog", "BenchmarkSupport", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/Registry"
        ),
        // Scripts/bench-batch: `custody sim watch` throughput on 1 and 4 readers against the bare card swap.
        .executableTarget(
            name: "batch-bench",
            dependencies: ["PCSC", "ByteText", "SIMCard", "Workbench", "BenchmarkSupport"],
            path: "Benchmarks/Batch"
        ),
        // Scripts/bench-export: custody export and verify at scale 1 and 10 against sqlite3 -csv and raw SHA-256 + Ed25519 baselines.
        .executableTarget(
            name: "export-bench",
            dependencies: ["CaseStore", "Export", "Ledger", "SIMCard", "BenchmarkCase", "BenchmarkSupport",
                           .product(name: "Crypto", package: "swift-crypto")],
            path: "Benchmarks/Export",
            exclude: ["Records"]
        ),
        // Scripts/bench-report: the summary report (report.pdf) at scale 1 and 10 against the full report.html and a sqlite3 -csv dump.
        .executableTarget(
            name: "report-bench",
            dependencies: ["CaseStore", "Export", "Wording", "BenchmarkCase", "BenchmarkSupport"],
            path: "Benchmarks/Report"
        ),
        // Scripts/bench-modem: `custody modem watch` of a virtual modem pool in parallel against one port after
        // another, and AT commands per identity read against the minimal sequence.
        .executableTarget(name: "modem-bench", dependencies: ["BenchmarkSupport"], path: "Benchmarks/Modem"),
        // The seizure-shaped case export-bench exports and store-bench copies (CaseStore API, one entry per transaction).
        .target(
            name: "BenchmarkCase",
            dependencies: ["CaseStore", "Export", "Ledger", "SIMCard", "SeizureCatalog", "Workbench", "BenchmarkSupport"],
            path: "Benchmarks/Case"
        ),
        // Scripts/bench-store: appends/s with 1, 2 and 4 station processes on one PostgreSQL case against SQLite,
        // and `custody case copy` SQLite ⇄ PostgreSQL at scale 1 and 10 against sqlite3/psql CSV baselines.
        .executableTarget(
            name: "store-bench",
            dependencies: ["CaseStore", "Ledger", "BenchmarkCase", "BenchmarkSupport"],
            path: "Benchmarks/Store"
        ),
        // Scripts/bench-desk: the desk under wrk at scale 10 against the same Workbench queries and action on the store.
        .executableTarget(
            name: "desk-bench",
            dependencies: ["CaseStore", "Desk", "Workbench", "BenchmarkCase", "BenchmarkSupport"],
            path: "Benchmarks/Desk",
            exclude: ["desk.lua"]
        ),
        .testTarget(name: "SIMCardTests", dependencies: ["ByteText", "SIMCard", "virtual-sim"]),
        .testTarget(name: "ModemTests", dependencies: ["ByteText", "Modem", "SIMCard", "virtual-sim"]),
        .testTarget(name: "ByteTextTests", dependencies: ["ByteText"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "SeizureMessages"]),
        .testTarget(name: "LedgerTests", dependencies: ["ByteText", "Ledger", "SeededRandom"]),
        .testTarget(name: "LabelsTests", dependencies: ["Labels", "PDFText", "Wording"]),
        .testTarget(name: "WordingTests", dependencies: ["Wording"]),
        .testTarget(name: "CaseStoreTests", dependencies: ["CaseStore", "Ledger", "SIMCard"]),
        .testTarget(name: "ExportTests", dependencies: ["ByteText", "Export", "CaseStore", "Ledger", "SIMCard", "Wording",
                                                    .product(name: "Mustache", package: "swift-mustache")]),
        .testTarget(name: "SeizureCatalogTests", dependencies: ["SeizureCatalog", "CaseStore", "SIMCard"]),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench", "PCSC", "SIMCard", "CaseStore", "Export", "Ledger", "Wording"]),
        .testTarget(name: "DeskTests", dependencies: ["Desk", "Workbench", "CaseStore", "Ledger",
                                                  .product(name: "HummingbirdTesting", package: "hummingbird")]),
        .testTarget(name: "EndToEndTests", dependencies: ["ByteText", "SIMCard", "Ledger"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
