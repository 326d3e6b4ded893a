import Foundation
import SIMCard
import Testing

/// The running test rig (pcscd + vpcd + virtual-sim) that Scripts/test starts, and ways to run
/// the real `custody` and `virtual-sim` binaries against it.
struct Rig {
    struct Reader: Sendable {
        var index: Int
        var name: String
        var control: String
        var profilePath: String
        var expect: Expectation
    }

    /// The `expect` block of a card profile (docs/CARD-PROFILES.md).
    struct Expectation: Codable, Sendable {
        var iccid: String
        var iccidLuhnValid: Bool
        var imsi: String
        var mcc: String
        var mnc: String
        var pin1Enabled: Bool
        var pin1Tries: Int?
        var imsiReadable: Bool
    }

    struct SimStats: Codable {
        var apdus: Int
        var writeClassAPDUs: Int
        var pinTriesConsumed: Int
        var pinPresentations: Int
    }

    let directory: String
    let readers: [Reader]
    /// Environment for child processes: PCSCLITE_CSOCK_NAME points at the rig's pcscd.
    let environment: [String: String]

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let binDirectory = ProcessInfo.processInfo.environment["CUSTODY_BIN_DIR"] ?? packageRoot + "/.build/debug"

    /// The rig Scripts/test started (CUSTODY_RIG_DIR), or a test failure telling how to start one.
    static func running() throws -> Rig {
        guard let dir = ProcessInfo.processInfo.environment["CUSTODY_RIG_DIR"] else {
            throw RigMissing()
        }
        let table = try String(contentsOfFile: dir + "/readers.tsv", encoding: .utf8)
        let readers = try table.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: "\t").map(String.init)
            let profile = try JSONDecoder().decode(ProfileExpect.self, from: Data(contentsOf: URL(fileURLWithPath: f[3])))
            return Reader(index: Int(f[0])!, name: f[1], control: f[2], profilePath: f[3], expect: profile.expect)
        }
        return Rig(directory: dir, readers: readers, environment: try exports(of: dir))
    }

    /// The environment of the rig in `dir` (its `env` file of `export NAME=VALUE` lines).
    static func exports(of dir: String) throws -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for line in try String(contentsOfFile: dir + "/env", encoding: .utf8).split(separator: "\n")
        where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1).map(String.init)
            environment[pair[0]] = pair[1]
        }
        return environment
    }

    /// Environment pointing at the second rig Scripts/test starts: a pcscd with no readers.
    static func readerlessEnvironment() throws -> [String: String] {
        let dir = try #require(ProcessInfo.processInfo.environment["CUSTODY_EMPTY_RIG_DIR"], "Scripts/test starts a rig with no readers")
        return try exports(of: dir)
    }

    struct RigMissing: Error, CustomStringConvertible {
        var description: String { "end-to-end tests need the virtual reader rig: run Scripts/test (it starts and stops the rig)" }
    }

    private struct ProfileExpect: Codable { var expect: Expectation }

    func reader(profile: String) throws -> Reader {
        try #require(readers.first { $0.profilePath.hasSuffix("/\(profile).json") }, "rig has no reader with \(profile)")
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a binary from the build directory to completion.
    func run(_ binary: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> Output {
        try start(binary, arguments, environment: extra).wait()
    }

    func start(_ binary: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binDirectory + "/" + binary)
        process.arguments = arguments
        process.environment = environment.merging(extra) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Running(process: process, out: out, err: err)
    }

    struct Running {
        let process: Process
        let out: Pipe
        let err: Pipe

        func wait() -> Output {
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                          stderr: String(decoding: stderr, as: UTF8.self))
        }
    }

    /// Sends one control command to a reader's simulator and returns its reply line.
    @discardableResult
    func control(_ reader: Reader, _ command: String...) throws -> String {
        let output = try run("virtual-sim", ["ctl", "--control", reader.control] + command)
        try #require(output.status == 0, "virtual-sim ctl \(command): \(output.stderr)")
        return output.stdout
    }

    func stats(_ reader: Reader) throws -> SimStats {
        try JSONDecoder().decode(SimStats.self, from: Data(control(reader, "stats").utf8))
    }

    /// `custody sim read --json` on a reader, decoded.
    func readIdentity(_ reader: Reader) throws -> (Output, SIMAcquisition) {
        let output = try run("custody", ["sim", "read", "--reader", reader.name, "--json"])
        let identity = try JSONDecoder().decode(SIMAcquisition.self, from: Data(output.stdout.utf8))
        return (output, identity)
    }

    /// Puts another card (profile) in the reader, the way a technician swaps SIMs: out, wait
    /// until pcscd saw it go, in, wait until pcscd saw it come.
    func swapCard(_ reader: Reader, profile: String) throws {
        try control(reader, "remove")
        try waitForCard(reader, present: false)
        try control(reader, "insert", profile)
        try waitForCard(reader, present: true)
    }

    /// Waits until pcscd reports the reader's card present (after an insert) or absent.
    func waitForCard(_ reader: Reader, present: Bool) throws {
        for _ in 0..<50 {
            let listing = try run("custody", ["readers", "--json"])
            if listing.stdout.contains("\"name\" : \"\(reader.name)\""),
               let data = listing.stdout.data(using: .utf8),
               let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               let entries = json["readers"] as? [[String: Any]],
               let entry = entries.first(where: { $0["name"] as? String == reader.name }),
               entry["cardPresent"] as? Bool == present {
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("reader \(reader.name) did not report card present=\(present) within 5 s")
    }
}
