import ArgumentParser
import Crypto
import Export
import Foundation

@main
struct Custody: AsyncParsableCommand {
    static let version = "0.1.0"

    /// This program as exports name it: version, and as build the SHA-256 of the running
    /// executable, so a report says exactly which binary made it.
    static var identity: ToolIdentity {
        let binary = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/self/exe"), options: .alwaysMapped)).map {
            "sha256:" + SHA256.hash(data: $0).map { String(format: "%02x", $0) }.joined()
        }
        return ToolIdentity(name: "custody", version: version, build: binary ?? "")
    }

    static let configuration = CommandConfiguration(
        commandName: "custody",
        abstract: "Forensic SIM acquisition and chain of custody for seized SIM cards.",
        version: version,
        subcommands: [Readers.self, SIM.self, CaseCommand.self, ExaminerCommand.self, StationCommand.self, EventCommand.self, History.self, LedgerCommand.self,
                      DeviceCommand.self, Summary.self, ExportOperators.self, LabelsCommand.self, ExportBundle.self, VerifyBundle.self]
    )
}

struct SIM: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Read SIM cards without changing them.",
        subcommands: [SIMRead.self, SIMWatch.self, SIMPending.self]
    )
}
