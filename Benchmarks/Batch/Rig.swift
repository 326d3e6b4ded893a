import Foundation
import PCSC
import Workbench
#if canImport(Glibc)
import Glibc
#endif

/// One reader of the rig, from its `readers.tsv` (Scripts/rig): the PC/SC reader name, the
/// simulator's control socket and the profile it was started with.
struct RigReader: Sendable {
    var name: String
    var control: String
    var profile: String

    static func load(table path: String) throws -> [RigReader] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return RigReader(name: fields[1], control: fields[2], profile: fields[3])
        }
    }

    /// Sends one command line to the simulator's control socket (docs/CARD-PROFILES.md: one
    /// line in, one JSON line out) and returns the reply. Spoken directly rather than through
    /// `virtual-sim ctl`, so that a swap does not cost a process start on a loaded machine.
    @discardableResult
    func control(_ command: String) throws -> String {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(control.utf8)
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { throw BenchFailure("control socket path too long: \(control)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
            raw[path.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchFailure("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw BenchFailure("simulator control \(control): \(String(cString: strerror(errno))) (is the rig running?)") }
        let line = Array((command + "\n").utf8)
        guard line.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == line.count else {
            throw BenchFailure("simulator control \(control): short write")
        }
        var reply = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            reply += chunk[..<n]
        }
        let text = String(decoding: reply, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.contains("\"ok\":true") || command == "stats" else {
            throw BenchFailure("simulator control \(control) \(command): \(text)")
        }
        return text
    }

    /// The simulator's forensic counters (`stats`).
    struct Stats: Decodable {
        var apdus: Int
        var writeClassAPDUs: Int
        var pinTriesConsumed: Int
        var atrRequests: Int
    }

    func stats() throws -> Stats {
        try JSONDecoder().decode(Stats.self, from: Data(control("stats").utf8))
    }
}

/// Watches one reader through its own PC/SC context (one context per thread, as in
/// `custody sim watch`) to learn when pcscd has seen a card come or go.
final class ReaderWaiter {
    let reader: String
    let context: PCSCContext
    private var last: ReaderState

    init(reader: String) throws {
        self.reader = reader
        context = try PCSCContext()
        last = ReaderState(reader: reader)
        last = try context.states(of: [reader])[0]
    }

    /// Blocks until pcscd reports a card in the reader (`present`) or none; returns at once if
    /// that is already so. Fails after `limit`.
    func wait(present: Bool, limit: Duration = .seconds(10)) throws {
        last = try CardSession.waitUntil(context: context, from: last, deadline: ContinuousClock.now + limit) { $0.event.contains(.present) == present }
        guard last.event.contains(.present) == present else {
            throw BenchFailure("reader \"\(reader)\": pcscd did not see the card \(present ? "arrive" : "go") within \(limit)")
        }
    }
}
