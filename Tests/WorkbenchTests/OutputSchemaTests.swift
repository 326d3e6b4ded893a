import Foundation
import Testing
@testable import Workbench

/// Output schemas front ends print as they are: their keys never change.
@Suite struct OutputSchemaTests {
    @Test func aWatchReportKeepsTheKeysOfCustodySimWatch1() throws {
        var report = WatchReport(reader: "Reader A", outcome: "acquired", iccid: "8984012345678901234", operatorName: "Viettel")
        report.entry = 7
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        #expect(Set(object.keys) == ["schema", "reader", "outcome", "iccid", "operator", "entry"])
        #expect(object["schema"] as? String == "custody.sim.watch/1")
        #expect(object["operator"] as? String == "Viettel")
    }

    @Test(arguments: [("Viettel", "Viettel.csv"), ("MobiFone / VMS", "MobiFone_VMS.csv"), ("Công ty ABC", "C_ng_ty_ABC.csv"),
                      ("", "unknown.csv"), ("__..", "unknown.csv")])
    func operatorListFileNamesAreSafe(name: String, file: String) {
        #expect(OperatorLists.fileName(name) == file)
    }
}
