import ArgumentParser
import Foundation
import Workbench

/// A failure the user can act on: one line saying what failed, why, and what to do.
struct CustodyFailure: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32 = ExitStatus.failure

    var description: String { message }

    init(_ message: String, exitCode: Int32 = ExitStatus.failure) {
        self.message = message
        self.exitCode = exitCode
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
    } catch {
        guard let failure = WorkbenchError(error) else { throw error }
        printError(failure.message)
        throw ExitCode(ExitStatus.failure)
    }
}

/// One error line on stderr: escaped and capped (`TerminalText.errorLine`), so input it echoes
/// can neither flood the screen nor start a line of its own.
func printError(_ line: String) {
    FileHandle.standardError.write(Data("custody: \(TerminalText.errorLine(line))\n".utf8))
}

/// JSON on stdout, exactly as encoded (not through the escaping `print`).
func printJSON<T: Encodable>(_ value: T) throws {
    Swift.print(String(decoding: try encodeJSON(value), as: UTF8.self))
}
