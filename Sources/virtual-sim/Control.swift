import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The Unix-domain control socket: one line in, one JSON line out, then close.
enum Control {
    static func makeAddress(_ path: String) throws(ProfileError) -> sockaddr_un {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard bytes.count < capacity else {
            throw ProfileError("control socket \(path): path longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        return addr
    }

    /// Binds and listens; the listening fd.
    static func listen(path: String) throws(ProfileError) -> Int32 {
        var addr = try makeAddress(path)
        // A stale socket file from a killed run would make bind fail: replace it, unless a live
        // simulator still answers there.
        if access(path, F_OK) == 0 {
            if let fd = try? connectUnix(path: path) {
                close(fd)
                throw ProfileError("control socket \(path): another virtual-sim is listening there")
            }
            unlink(path)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ProfileError("control socket \(path): \(Sock.errorText())") }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0, Glibc.listen(fd, 8) == 0 else {
            let e = Sock.errorText(); close(fd)
            throw ProfileError("control socket \(path): \(e)")
        }
        return fd
    }

    static func connectUnix(path: String) throws(ProfileError) -> Int32 {
        var addr = try makeAddress(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ProfileError("control socket \(path): \(Sock.errorText())") }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let e = Sock.errorText(); close(fd)
            throw ProfileError("control socket \(path): \(e) (is virtual-sim running?)")
        }
        return fd
    }

    /// Serves the control socket on a dedicated thread: `reply` answers each command line.
    static func serve(listenFD: Int32, reply: @escaping @Sendable (String) -> String) {
        let t = Thread {
            while true {
                let c = accept(listenFD, nil, nil)
                if c < 0 { if errno == EINTR { continue }; usleep(10_000); continue }
                let line = readLine(c)
                let reply = reply(line)
                _ = Sock.sendAll(c, Array((reply + "\n").utf8))
                close(c)
            }
        }
        t.name = "control"
        t.start()
    }

    private static func readLine(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var b: UInt8 = 0
        while bytes.count < 4096 {
            let n = recv(fd, &b, 1, 0)
            if n < 0, errno == EINTR { continue }
            if n <= 0 || b == 0x0A { break }
            bytes.append(b)
        }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func error(_ why: String) -> String { JSON.object([("ok", "false"), ("error", JSON.string(why))]) }

    static func handle(_ line: String, state: SimState) -> String {
        let words = line.split(separator: " ", maxSplits: 1).map(String.init)
        guard let verb = words.first else { return error("empty command") }
        let arg = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : nil
        switch verb {
        case "stats":
            return state.statsJSON()
        case "remove":
            state.remove()
            return JSON.object([("ok", "true"), ("inserted", "false")])
        case "insert":
            if let path = arg {
                do { _ = try Profile.load(path: path) } catch { return self.error("\(error)") }
            }
            let connected = state.insert(profilePath: arg, wait: 3)
            return JSON.object([("ok", "true"), ("inserted", "true"), ("connected", "\(connected)")])
        case "remove-after", "mute-after", "garbage-after":
            guard let arg, let n = Int(arg), n >= (verb == "remove-after" ? 1 : 0) else {
                return error("\(verb) needs a count (\(verb == "remove-after" ? "1 or more" : "0 or more"))")
            }
            state.arm(verb, n)
            return JSON.object([("ok", "true"), ("armed", JSON.string("\(verb) \(n)"))])
        case "fuzz":
            guard let arg, let seed = UInt64(arg) else { return error("fuzz needs a seed (0 to \(UInt64.max))") }
            let plan = FaultPlan(seed: seed)
            state.arm(plan)
            return JSON.object([("ok", "true"), ("armed", JSON.string("fuzz \(plan)"))])
        case "misbehave":
            guard let arg, let misbehaviour = Misbehaviour(rawValue: arg) else {
                return error("misbehave needs one of \(Misbehaviour.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let plan = FaultPlan(only: misbehaviour)
            state.arm(plan)
            return JSON.object([("ok", "true"), ("armed", JSON.string("fuzz \(plan)"))])
        case "reset-stats":
            state.resetStats()
            return JSON.object([("ok", "true")])
        default:
            return error("unknown command \"\(verb)\" (stats, remove, insert [PATH], remove-after N, mute-after N, garbage-after N, fuzz SEED, misbehave NAME, reset-stats)")
        }
    }
}
