import ArgumentParser
import CaseStore
import Export
import Foundation
import Workbench

@main
struct Custody: AsyncParsableCommand {
    static let version = "0.1.0"

    /// This program as exports name it (`ToolIdentity.running`: the executable's SHA-256 as build).
    static var identity: ToolIdentity { .running(name: "custody", version: version) }

    static let configuration = CommandConfiguration(
        commandName: "custody",
        abstract: "Forensic SIM acquisition and chain of custody for seized SIM cards.",
        version: version,
        subcommands: [Readers.self, SIM.self, SIMs.self, CaseCommand.self, ExaminerCommand.self, StationCommand.self, EventCommand.self, History.self,
                      LedgerCommand.self, DeviceCommand.self, MessagesCommand.self, Campaigns.self, Indicators.self, ModemCommand.self, Summary.self,
                      ExportOperators.self, LabelsCommand.self, FormCommand.self, AuditCommand.self, DisposeCommand.self, ExportCommand.self, VerifyBundle.self,
                      Status.self, LocationCommand.self, DeskCommand.self]
    )

    /// ArgumentParser's own `main`, except that an error it reports (unknown option, a value
    /// that does not parse, a `ValidationError`, any error a command throws) leaves as one line
    /// through `printError`, escaped and capped like every other error, since these messages
    /// echo the command line; the usage text is left out, its "see --help" pointer kept.
    /// `--help` and `--version` print as ArgumentParser prints them. Arguments are taken in NFC,
    /// the ones typed otherwise kept as entered (`EnteredText`).
    static func main() async {
        do {
            var command = try await asyncParseAsRoot(EnteredText.normalizing(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }
            let message = message(for: error)
            if !message.isEmpty { printError(message + helpPointer(in: fullMessage(for: error))) }
            Foundation.exit(code.rawValue)
        }
    }

    /// " (see `custody sim read --help`)" from the usage text ArgumentParser adds to a usage
    /// error ("  See 'custody sim read --help' for more information."), or "" when it has none.
    static func helpPointer(in fullMessage: String) -> String {
        guard let see = fullMessage.split(separator: "\n").last(where: { $0.contains("See '") }),
              let start = see.range(of: "See '")?.upperBound, let end = see[start...].firstIndex(of: "'") else { return "" }
        return " (see `\(see[start..<end])`)"
    }
}

struct SIM: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Read SIM cards without changing them.",
        subcommands: [SIMRead.self, SIMWatch.self, SIMPending.self]
    )
}
