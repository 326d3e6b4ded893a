import Foundation
import Testing

/// Scripts/check-imports: front ends import no PCSC, GRDB or PostgresNIO.
@Suite struct CheckImportsTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs the script on `root` (nil: this package); returns its exit status and standard error.
    func checkImports(_ root: String?) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.packageRoot + "/Scripts/check-imports")
        process.arguments = root.map { [$0] } ?? []
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// A package with one front-end file and a custody target depending on `dependencies`.
    func package(importing line: String, dependencies: String = #""Workbench""#) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("check-imports-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/Sources/custody", withIntermediateDirectories: true)
        try """
            let package = Package(
                name: "Sample",
                products: [.executable(name: "custody", targets: ["custody"])],
                targets: [
                    .target(name: "Workbench", dependencies: ["PCSC"]),
                    .executableTarget(
                        name: "custody",
                        dependencies: [\(dependencies)]
                    ),
                    .testTarget(name: "CustodyTests", dependencies: ["PCSC"]),
                ]
            )
            """.write(toFile: root + "/Package.swift", atomically: true, encoding: .utf8)
        try "import Foundation\n\(line)\nimport Workbench\n".write(toFile: root + "/Sources/custody/Command.swift", atomically: true, encoding: .utf8)
        return root
    }

    @Test func thisPackagePasses() throws {
        let result = try checkImports(nil)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test(arguments: ["import PCSC", "@testable import GRDB", "internal import PostgresNIO", "import struct CPCSCLite.SCARD_READERSTATE"])
    func aFrontEndImportingPastWorkbenchFails(line: String) throws {
        let root = try package(importing: line)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let module = line.split(separator: " ").last!.split(separator: ".").first!
        let result = try checkImports(root)
        #expect(result.status == 1)
        #expect(result.stderr == "check-imports: Sources/custody/Command.swift imports \(module): front ends go through Workbench\n")
    }

    @Test func aModuleMerelyStartingWithAForbiddenNamePasses() throws {
        let root = try package(importing: "import PCSCKit")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try checkImports(root).status == 0)
    }

    @Test func aFrontEndDependingOnPCSCFails() throws {
        let root = try package(importing: "", dependencies: #""Workbench", "PCSC""#)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try checkImports(root)
        #expect(result.status == 1)
        #expect(result.stderr == "check-imports: Package.swift gives the custody target the dependency PCSC: front ends go through Workbench\n")
    }
}
