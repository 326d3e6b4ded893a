import CaseStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workbench
@testable import Desk

/// Exported bundles for download (docs/DESK.md, "Bundles"): only the folder's own `.zip` files,
/// to every role that may download, never a path outside the folder.
@Suite struct BundleDeskTests {
    /// A bundles folder with one bundle, a hidden zip, a text file and a link to a file outside.
    static func bundlesFolder() throws -> (folder: String, zip: Data) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("desk-bundles-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let zip = Data("PK\u{3}\u{4} a stored zip of the bundle".utf8) + Data(repeating: 0xA5, count: 300_000)
        try zip.write(to: URL(fileURLWithPath: folder + "/op-lotus-2026-12-07.zip"))
        try Data("hidden".utf8).write(to: URL(fileURLWithPath: folder + "/.partial.zip"))
        try Data("notes".utf8).write(to: URL(fileURLWithPath: folder + "/README.txt"))
        try FileManager.default.createSymbolicLink(atPath: folder + "/passwd.zip", withDestinationPath: "/etc/passwd")
        return (folder, zip)
    }

    @Test func aProsecutorDownloadsTheFolderBundlesAndNothingElse() async throws {
        let c = try DeskCase()
        let (folder, zip) = try Self.bundlesFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let desk = try Desk(store: c.store, secureCookies: false, bundles: folder)
        let app = Application(router: desk.router().0)
        try await app.test(.router) { client in
            var pros = Browser()
            _ = try await pros.signIn(client, as: "pros")
            let page = String(buffer: try await client.execute(uri: "/bundles", method: .get, headers: pros.headers).body)
            #expect(page.contains(#"<a href="/bundles/op-lotus-2026-12-07.zip" download>"#))
            #expect(!page.contains("partial") && !page.contains("README") && !page.contains("passwd"), "only the folder's own zip files")

            let download = try await client.execute(uri: "/bundles/op-lotus-2026-12-07.zip", method: .get, headers: pros.headers)
            #expect(download.status == .ok && download.headers[.contentType] == "application/zip")
            #expect(download.headers[.contentDisposition] == #"attachment; filename="op-lotus-2026-12-07.zip""#)
            #expect(Data(buffer: download.body) == zip)

            for refused in ["/bundles/passwd.zip", "/bundles/.partial.zip", "/bundles/README.txt", "/bundles/..%2F..%2Fetc%2Fpasswd",
                            "/bundles/%2Fetc%2Fpasswd"] {
                let response = try await client.execute(uri: refused, method: .get, headers: pros.headers)
                #expect(response.status == .notFound, "\(refused)")
                #expect(!String(buffer: response.body).contains("root:"), "\(refused)")
            }

            let listed = try object(try await pros.api(client, .get, "/api/v1/bundles"))
            #expect(listed["schema"] as? String == "custody.desk.bundles/1")
            let bundles = try #require(listed["bundles"] as? [[String: Any]])
            #expect(bundles.map { $0["name"] as? String } == ["op-lotus-2026-12-07.zip"] && bundles.first?["bytes"] as? Int == zip.count)

            let anonymous = try await client.execute(uri: "/api/v1/bundles/op-lotus-2026-12-07.zip", method: .get)
            #expect(anonymous.status == .unauthorized && anonymous.body.readableBytes < 200, "no bytes without credentials")
        }
    }

    @Test func aDeskWithoutABundlesFolderSaysSo() async throws {
        let c = try DeskCase()
        let (app, _) = c.application()
        try await app.test(.router) { client in
            var clerk = Browser()
            _ = try await clerk.signIn(client, as: "clerk")
            let page = String(buffer: try await client.execute(uri: "/bundles", method: .get, headers: clerk.headers).body)
            #expect(page.contains("--bundles"))
            let listed = try object(try await clerk.api(client, .get, "/api/v1/bundles"))
            #expect((listed["bundles"] as? [Any])?.isEmpty == true)
        }
    }
}
