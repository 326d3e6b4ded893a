import Foundation
import CaseStore
import Hummingbird
import Ledger
import Wording
import Workbench

extension DeskContext {
    /// A form's change by the signed-in examiner: `change` (a Workbench use case) runs off the
    /// event loop and returns the path the browser goes on to (303, so a reload posts nothing);
    /// a refusal of the use case shows `refused`'s page instead (the form's page with the one
    /// line, status 400), so the examiner sees why where they were.
    func change(_ change: @escaping @Sendable (CaseStore, DeskUser) throws -> String,
                refused: (WorkbenchError) async throws -> Response) async throws -> Response {
        do {
            let next = try await blocking { [store = self.store, user = self.user] in try change(store, user) }
            return redirect(to: next)
        } catch let refusal as WorkbenchError {
            return try await refused(refusal)
        }
    }

    /// A record printed on the examiner's demand (audit report, disposal record, batch receipt):
    /// `print` writes the PDF to a temporary path and appends the ledger's `form.print` entry;
    /// the answer is the PDF, shown in the browser as `name`.pdf, and the file is removed.
    func printed(_ name: String, _ print: @escaping @Sendable (String) throws -> Void) async throws -> Response {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("custody-desk-\(UUID().uuidString).pdf").path
        let bytes = try await blocking {
            defer { try? FileManager.default.removeItem(atPath: path) }
            try print(path)
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return Response(status: .ok, headers: [.contentType: "application/pdf", .contentDisposition: "inline; filename=\"\(name).pdf\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A time the ledger or a table keeps (UTC, RFC 3339) as the examiner reads it: in the case's
    /// time zone, in their language's table form; the text as given when it is not such a time.
    func localTime(_ utc: String) -> String {
        guard let time = LedgerTime(utc) else { return utc }
        return Catalog.of(user.language).dateTime(time.date, timeZone: TimeZone(identifier: store.caseRecord.timeZone) ?? .gmt)
    }
}
