import CaseStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workbench
@testable import Desk

/// A temporary SQLite case with one examiner of each role, each with the password
/// `DeskCase.password`, and a desk serving it.
final class DeskCase: @unchecked Sendable {
    static let password = "correct horse battery"
    /// Examiner ids by role; `sup` opened the case.
    static let examiners: [ExaminerRole: String] = [.supervisor: "sup", .clerk: "clerk", .technician: "tech", .prosecutor: "pros"]

    let directory: String
    let store: CaseStore
    let desk: Desk

    init(withPasswords: Bool = true) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("desk-\(UUID().uuidString)").path
        store = try CaseStore.create(directory: directory, name: "Vụ <script>alert(1)</script>", agency: "PC02", authority: "QĐ 12",
                                     timeZone: "Asia/Ho_Chi_Minh", examiner: .init(id: "sup", name: "Nguyễn Văn An"))
        for (role, id) in Self.examiners where role != .supervisor {
            try store.addExaminer(id: id, name: "Examiner \(id)", role: role, by: "sup")
        }
        if withPasswords {
            for id in Self.examiners.values { try ExaminerAccess.setPassword(Self.password, examiner: id, by: "sup", store: store) }
        }
        desk = try Desk(store: store, secureCookies: false)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// The desk's application with `addRoutes`' routes besides the desk's own.
    func application(addRoutes: @escaping (DeskRoutes) -> Void = Desk.pageRoutes) -> (some ApplicationProtocol, DeskRoutes) {
        let (router, routes) = desk.router(addRoutes: addRoutes)
        return (Application(router: router), routes)
    }
}

/// A browser's cookie jar of one: the session cookie the desk last set.
struct Browser {
    var session: String?

    var headers: HTTPFields {
        var fields = HTTPFields()
        if let session { fields[.cookie] = "custody_session=\(session)" }
        return fields
    }

    /// Takes the session cookie of a response, if it sets one.
    mutating func take(_ response: TestResponse) {
        guard let cookie = response.headers[.setCookie], cookie.hasPrefix("custody_session=") else { return }
        let value = cookie.dropFirst("custody_session=".count).prefix { $0 != ";" }
        session = value.isEmpty ? nil : String(value)
    }

    /// GET /login, then POST it as `examiner`; returns the login's response and the form's CSRF token.
    mutating func logIn(_ client: some TestClientProtocol, as examiner: String, password: String = DeskCase.password) async throws -> TestResponse {
        let page = try await client.execute(uri: "/login", method: .get, headers: headers)
        take(page)
        let token = try #require(csrfToken(in: String(buffer: page.body)))
        let response = try await post(client, "/login", ["csrf": token, "examiner": examiner, "password": password])
        take(response)
        return response
    }

    /// POSTs `fields` URL-encoded with the session cookie.
    func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [String: String]) async throws -> TestResponse {
        var fields = fields
        var headers = self.headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.keys.sorted().map { key in "\(Self.encode(key))=\(Self.encode(fields.removeValue(forKey: key)!))" }.joined(separator: "&")
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// The CSRF token of the first form in a page.
    func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// The CSRF token of the session's pages (from the home page).
    func csrfToken(_ client: some TestClientProtocol) async throws -> String {
        let home = try await client.execute(uri: "/", method: .get, headers: headers)
        return try #require(csrfToken(in: String(buffer: home.body)))
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
