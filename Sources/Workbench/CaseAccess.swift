import CaseStore
import Foundation

/// Finding and opening the case a use case works on: a case folder or a PostgreSQL URL, and the
/// station key that signs what it writes (docs/CASE-STORE.md).
public enum CaseAccess {
    /// The case named by `given`, else by $CUSTODY_STORE, else by $CUSTODY_CASE; nil when none is.
    public static func location(_ given: String?) -> String? {
        if let given, !given.isEmpty { return given }
        for name in ["CUSTODY_STORE", "CUSTODY_CASE"] {
            if let env = ProcessInfo.processInfo.environment[name], !env.isEmpty { return env }
        }
        return nil
    }

    /// The station key file `given`, else $CUSTODY_STATION_KEY, else nil (the case's own DIR/station.key).
    public static func stationKeyFile(_ given: String?) -> String? {
        [given, ProcessInfo.processInfo.environment["CUSTODY_STATION_KEY"]].compactMap { $0 }.first { !$0.isEmpty }
    }

    /// Opens the case `location` names (see `location(_:)`); `readOnly` for a use case that only
    /// reads, so that it works on a full disk (docs/CASE-STORE.md, "Commands that only read").
    public static func open(_ location: String?, stationKey: String?, readOnly: Bool = false) throws(WorkbenchError) -> CaseStore {
        do throws(CaseStoreError) {
            guard let store = self.location(location) else { throw CaseStoreError.noCaseSelected }
            return try CaseStore.open(store: store, stationKeyFile: stationKeyFile(stationKey), readOnly: readOnly)
        } catch {
            throw WorkbenchError(error)
        }
    }
}
