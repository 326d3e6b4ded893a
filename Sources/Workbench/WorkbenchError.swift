import CaseStore
import PCSC

/// A use case that failed in a way the user can act on: one line saying what failed, why, and
/// what to do. Front ends print `message` as is; they need not know PC/SC or the case store.
public struct WorkbenchError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String

    public var description: String { message }

    public init(_ message: String) { self.message = message }

    /// The one-line message for an error a Workbench call let through (a `WorkbenchError`, or
    /// a `PCSCError` or `CaseStoreError` from the libraries below), or nil for any other error.
    public init?(_ error: any Error) {
        switch error {
        case let error as WorkbenchError: self = error
        case let error as PCSCError: self.init(error)
        case let error as CaseStoreError: self.init(error)
        default: return nil
        }
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

    /// The user-facing line for a failed connection to the card in `reader` (`SCardConnect`).
    init(connectFailure error: PCSCError, reader: String) {
        switch error.code {
        case .sharingViolation:
            self.init("reader \"\(reader)\" is in use by another program (\(error.code.name)): close it (pcsc_scan, a browser, another custody) and retry")
        case .noSmartcard, .removedCard:
            self.init("no card in reader \"\(reader)\" (\(error.code.name)): insert the SIM and retry")
        case .unresponsiveCard, .unsupportedCard, .unpoweredCard:
            self.init("the card in reader \"\(reader)\" does not answer (\(error.code.name)): reseat it, clean its contacts, or try another reader")
        default:
            self.init(error)
        }
    }

    /// The case store's own one-line description.
    init(_ error: CaseStoreError) { self.init(error.description) }
}

/// Runs case-store calls, turning `CaseStoreError` into a one-line `WorkbenchError`.
public func inCase<T>(_ body: () throws(CaseStoreError) -> T) throws(WorkbenchError) -> T {
    do { return try body() } catch { throw WorkbenchError(error) }
}

/// Runs PC/SC calls, turning `PCSCError` into a one-line `WorkbenchError`.
func withPCSC<T>(_ body: () throws(PCSCError) -> T) throws(WorkbenchError) -> T {
    do { return try body() } catch { throw WorkbenchError(error) }
}
