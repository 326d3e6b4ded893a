import CaseStore
import Foundation

/// `modem read --case`: a SIM read in place stored in the case under the port it sat in.
public enum ModemRecording {
    /// Stores the read (record with `modem`, the SIM in the port's slot, `sim.acquire` /
    /// `sim.reread`, the port's module IMEI) and returns the line saying what it did. The port
    /// is `item` (a port or slot label), else the port whose module IMEI the module answered.
    public static func record(_ examination: ModemExamination, item: String?, into store: CaseStore,
                              by examiner: String) throws(WorkbenchError) -> String {
        guard let acquisition = examination.acquisition, let accessPath = examination.access.accessPath else {
            throw examination.nothingToRecord
        }
        let encoded = try examination.record()
        let port: String
        if let item { port = item } else { port = try portHolding(examination.module.imei, in: store, path: examination.port.path) }
        let inPlace = CaseStore.InPlace(item: port, moduleIMEI: examination.module.imei, accessPath: accessPath.rawValue,
                                        atTranscriptSHA256: examination.access.atTranscriptSHA256)
        return try AcquisitionRecording.record(acquisition, encoded: encoded, inPlace: inPlace, into: store, by: examiner)
    }

    /// The port item whose module IMEI is `imei` (registered from the catalog or by an earlier read).
    static func portHolding(_ imei: String?, in store: CaseStore, path: String) throws(WorkbenchError) -> String {
        let ports = try inCase { () throws(CaseStoreError) in try store.items(type: .device(.port)) }
        let matching = imei.map { imei in ports.filter { $0.identifiers[.moduleIMEI] == imei } } ?? []
        guard matching.count == 1 else {
            let why = imei.map { matching.isEmpty ? "no port in the case has module IMEI \($0)" : "\(matching.count) ports have module IMEI \($0)" } ?? "the module gave no IMEI"
            throw WorkbenchError("which port of which box is \(path)? \(why): give it with --item <box>/P<n>; nothing was recorded")
        }
        return matching[0].label
    }
}
