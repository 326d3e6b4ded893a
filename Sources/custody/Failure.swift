import ArgumentParser
import Foundation
import PCSC

/// A failure the user can act on: one line saying what failed, why, and what to do.
struct CustodyFailure: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32 = ExitStatus.failure

    var description: String { message }

    init(_ message: String, exitCode: Int32 = ExitStatus.failure) {
        self.message = message
        self.exitCode = exitCode
    }

    /// The user-facing line for a PC/SC failure.
    init(_ error: PCSCError) {
        switch error.code {
        case .noService, .serviceStopped:
            self.init("pcscd is not running (\(error.function): \(error.code.name)): start it with `pcscd -f` or run Scripts/setup")
        case .noReadersAvailable:
            self.init("no smart-card reader found: connect a USB reader (check with `pcsc_scan`) or start the virtual rig with Scripts/rig start")
        default:
            self.init("\(error)")
        }
    }
}

/// Process exit statuses (documented in README.md).
enum ExitStatus {
    static let failure: Int32 = 1
    /// The card was read only in part (removed, mute, faulty); what was read is still printed.
    static let incompleteRead: Int32 = 2
    /// The command line asks for something that cannot be done as written (as ArgumentParser's own usage errors).
    static let usage: Int32 = ExitCode.validationFailure.rawValue
}

/// Runs a command body, turning failures into one line on stderr and an exit status.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as CustodyFailure {
        printError(failure.message)
        throw ExitCode(failure.exitCode)
    } catch let error as PCSCError {
        printError(CustodyFailure(error).message)
        throw ExitCode(ExitStatus.failure)
    }
}

/// One error line on stderr: escaped and capped (`TerminalText.errorLine`), so input it echoes
/// can neither flood the screen nor start a line of its own.
func printError(_ line: String) {
    FileHandle.standardError.write(Data("custody: \(TerminalText.errorLine(line))\n".utf8))
}

/// JSON as Custody writes it: sorted keys so identical data gives identical bytes.
func encodeJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
}

/// JSON on stdout, exactly as encoded (not through the escaping `print`).
func printJSON<T: Encodable>(_ value: T) throws {
    Swift.print(String(decoding: try encodeJSON(value), as: UTF8.self))
}
