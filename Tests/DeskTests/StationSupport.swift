import CaseStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workbench
@testable import Desk

/// A desk case with a room of two shelves and phones on them, for the station, audit, disposal
/// and API tests: PH-1 and PH-2 moved to SHELF-A, PH-3 to SHELF-B; a second supervisor `sup2`.
func shelfCase() throws -> DeskCase {
    let c = try DeskCase()
    try c.store.addExaminer(id: "sup2", name: "Lê Thị Hoa", role: .supervisor, by: "sup")
    try ExaminerAccess.setPassword(DeskCase.password, examiner: "sup2", by: "sup", store: c.store)
    try c.store.addDevice(DeviceSpec(label: "ROOM-1", type: .device(.location)), by: "clerk")
    for shelf in ["SHELF-A", "SHELF-B"] { try c.store.addDevice(DeviceSpec(label: shelf, type: .device(.location), parent: "ROOM-1"), by: "clerk") }
    for (phone, shelf) in [("PH-1", "SHELF-A"), ("PH-2", "SHELF-A"), ("PH-3", "SHELF-B")] {
        try c.store.addDevice(DeviceSpec(label: phone, type: .device(.phone)), by: "clerk")
        try c.store.move(phone, to: shelf, by: "clerk")
    }
    return c
}

extension Browser {
    /// Signs in as `examiner`; returns the session's CSRF token.
    mutating func signIn(_ client: some TestClientProtocol, as examiner: String) async throws -> String {
        _ = try await logIn(client, as: examiner)
        return try await csrfToken(client)
    }

    /// A JSON API request with the session cookie and, unless `csrf` is nil, its CSRF header.
    func api(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, json: String? = nil,
             csrf: String? = nil) async throws -> TestResponse {
        var headers = self.headers
        headers[.contentType] = "application/json"
        if let csrf { headers[.csrfToken] = csrf }
        return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

/// The response's JSON object.
func object(_ response: TestResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any], "\(String(buffer: response.body))")
}
