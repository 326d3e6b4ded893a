import ArgumentParser
import Desk
import Foundation
import Workbench

/// `custody desk`: the evidence-room web desk for the case (docs/DESK.md).
struct DeskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "desk",
        abstract: "Serve the case to browsers and scripts: the evidence-room desk (docs/DESK.md).",
        discussion: """
            Examiners sign in with the password `custody examiner password` set; scripts use a token from \
            `custody examiner token`. Listening on anything but loopback needs --tls-cert and --tls-key. \
            The desk's entries are signed with this station's key and attributed to the signed-in examiner.
            """
    )
    @OptionGroup var selection: CaseSelection
    @Option(help: ArgumentHelp("Address and port to listen on (0: any free port; anything but loopback needs TLS).", valueName: "HOST:PORT"))
    var listen = "127.0.0.1:8080"
    @Option(help: ArgumentHelp("The TLS certificate chain (PEM).", valueName: "FILE"))
    var tlsCert: String?
    @Option(help: ArgumentHelp("The TLS certificate's private key (PEM).", valueName: "FILE"))
    var tlsKey: String?
    @Option(help: ArgumentHelp("A folder of exported bundles to offer for download: the BUNDLE.zip files `custody export --out FOLDER/BUNDLE --zip` writes.", valueName: "FOLDER"))
    var bundles: String?

    func run() async throws {
        let configuration = DeskServer.Configuration(caseLocation: selection.store ?? selection.directory, stationKey: selection.stationKey,
                                                     listen: listen, tlsCertificate: tlsCert, tlsKey: tlsKey, tool: Custody.identity,
                                                     bundles: bundles)
        do {
            try await DeskServer.run(configuration) { url in
                FileHandle.standardOutput.write(Data("custody desk: serving \(url)\n".utf8))
            }
        } catch let failure as WorkbenchError {
            printError(failure.message)
            throw ExitCode(ExitStatus.failure)
        }
    }
}
