import ArgumentParser

@main
struct Custody: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "custody",
        abstract: "Forensic SIM acquisition and chain of custody for seized SIM cards.",
        version: version,
        subcommands: [Readers.self, SIM.self, CaseCommand.self, ExaminerCommand.self, EventCommand.self, History.self, LedgerCommand.self,
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
