import Foundation
import SIMCard
#if canImport(Glibc)
import Glibc
#endif

/// Blocking socket helpers (Glibc, no NIO): the vpcd link is one TCP connection driven by
/// one thread, so plain blocking calls are the simplest correct thing.
enum Sock {
    static func errorText() -> String { String(cString: strerror(errno)) }

    /// One connect attempt to host:port; the connected fd or nil.
    static func connectTCP(host: String, port: UInt16) -> Int32? {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>? = nil
        guard getaddrinfo(host, String(port), &hints, &res) == 0, let first = res else { return nil }
        defer { freeaddrinfo(res) }
        var cur: UnsafeMutablePointer<addrinfo>? = first
        while let ai = cur {
            let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
            if fd >= 0 {
                if connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 { return fd }
                close(fd)
            }
            cur = ai.pointee.ai_next
        }
        return nil
    }

    static func quickAck(_ fd: Int32) {
        #if os(Linux)
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), Int32(TCP_QUICKACK), &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    /// Reads exactly `count` bytes; nil on EOF or error.
    static func recvAll(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var buf = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, count - got, 0) }
            if n == 0 { return nil }
            if n < 0 { if errno == EINTR { continue }; return nil }
            got += n
        }
        return buf
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue }; return false }
            sent += n
        }
        return true
    }
}

/// The vpcd protocol loop (frames: 2-byte big-endian length, then the bytes).
final class VPCDLink {
    let host: String
    let port: UInt16
    let state: SimState
    let log: APDULog?
    private var card: Card

    init(host: String, port: UInt16, state: SimState, log: APDULog?, card: Card) {
        self.host = host; self.port = port; self.state = state; self.log = log; self.card = card
        state.answered(nil, card: card)
    }

    func run() -> Never {
        while true {
            let (generation, newProfile) = state.waitUntilInserted()
            if let path = newProfile {
                do {
                    let p = try Profile.load(path: path)
                    card = Card(profile: p)
                    state.profileLoaded(name: p.name, path: path)
                    state.answered(nil, card: card)
                } catch {
                    FileHandle.standardError.write(Data("virtual-sim: \(error)\n".utf8))
                    state.profileFailed()
                    continue
                }
            }
            // vpcd may not listen yet (pcscd starting): retry every 100 ms.
            var fd: Int32? = nil
            while state.stillWanted(generation: generation) {
                if let f = Sock.connectTCP(host: host, port: port) { fd = f; break }
                usleep(100_000)
            }
            guard let fd else { continue }
            guard state.attach(fd, generation: generation) else { close(fd); continue }
            card.reset()
            serve(fd)
            state.detachAndClose(fd)
            // Peer closed (pcscd stopped) but the card is still wanted: pause before reconnecting.
            if state.stillWanted(generation: generation) { usleep(100_000) }
        }
    }

    /// Answers frames until the socket closes (vpcd gone, or the card was removed).
    private func serve(_ fd: Int32) {
        while true {
            Sock.quickAck(fd)
            guard let head = Sock.recvAll(fd, 2) else { return }
            let length = Int(head[0]) << 8 | Int(head[1])
            Sock.quickAck(fd)
            guard let frame = length == 0 ? [] : Sock.recvAll(fd, length) else { return }
            if frame.count == 1 {
                switch frame[0] {
                case 0x00: card.reset()                              // power off
                case 0x01, 0x02: card.reset()                        // power on, reset: no reply
                case 0x04:
                    state.countATR()
                    if !send(fd, card.profile.atr) { return }
                default: break
                }
                continue
            }
            let parsed = try? CommandAPDU(parsing: frame[...])
            let writeClass = parsed.map { !ReadOnlyPolicy.isAllowed($0) && !ReadOnlyPolicy.isPINPresentation($0) } ?? true
            switch state.receivedAPDU(writeClass: writeClass) {
            case .removeNow:
                log?.write(command: frame, response: nil, writeClass: writeClass, fault: "remove")
                return
            case .mute:
                log?.write(command: frame, response: nil, writeClass: writeClass, fault: "mute")
                continue
            case .garbage:
                let g: [UInt8] = [0xA5]
                log?.write(command: frame, response: g, writeClass: writeClass, fault: "garbage")
                if !send(fd, g) { return }
            case .answer:
                if !answer(fd, frame, card.process(frame), writeClass: writeClass, fault: nil) { return }
            case .misbehave(let plan):
                switch plan.respond(to: frame, card: card) {
                case .remove:
                    state.pulledByFault()
                    log?.write(command: frame, response: nil, writeClass: writeClass, fault: "fuzz remove")
                    return
                case .mute:
                    log?.write(command: frame, response: nil, writeClass: writeClass, fault: "fuzz mute")
                case .answer(let outcome, let delay, let bent):
                    if delay > 0 { usleep(useconds_t(delay * 1000)) }
                    let fault = bent.isEmpty ? nil : "fuzz " + bent.map(\.rawValue).joined(separator: ",")
                    if !answer(fd, frame, outcome, writeClass: writeClass, fault: fault) { return }
                }
            }
        }
    }

    /// Counts, logs and sends what the card answered; false when the socket is gone.
    private func answer(_ fd: Int32, _ frame: [UInt8], _ outcome: Outcome, writeClass: Bool, fault: String?) -> Bool {
        state.answered(outcome, card: card)
        let response = outcome.response.bytes
        log?.write(command: frame, response: response, writeClass: writeClass, fault: fault)
        return send(fd, response)
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        Sock.sendAll(fd, [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes)
    }
}
