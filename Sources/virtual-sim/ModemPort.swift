import Foundation
#if canImport(Glibc)
import Glibc
#endif

// The pseudo-terminal calls of POSIX (glibc's stdlib.h declares them only under _XOPEN_SOURCE,
// which the Glibc module is not built with): the same libc functions, declared by their C names.
@_silgen_name("posix_openpt") private func posix_openpt(_ flags: Int32) -> Int32
@_silgen_name("grantpt") private func grantpt(_ fd: Int32) -> Int32
@_silgen_name("unlockpt") private func unlockpt(_ fd: Int32) -> Int32
/// The reentrant form: ptsname's static buffer is shared by every thread, so ports opened at
/// once (the tests open them in parallel) could read each other's path.
@_silgen_name("ptsname_r") private func ptsname_r(_ fd: Int32, _ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int32

/// What one port of the pool is: its module family and its SIM (nil: an empty port).
struct PortSpec {
    var dialect: ModemDialect
    var profile: Profile?
    var latencyMilliseconds: Int
}

/// One pseudo-terminal with a module behind it. The client opens `state.slavePath` as it would
/// /dev/ttyUSB0; the module reads and writes the master side on its own thread.
final class ModemPort: @unchecked Sendable {
    let state: ModemState
    private let master: Int32
    /// The simulator keeps the slave open too: the terminal settings stay raw and the master
    /// never sees a hang-up between clients.
    private let slave: Int32
    private let module: Module
    private let stopLock = NSLock()
    private var stopped = false

    /// Opens a pty, makes its slave raw (no echo, no line discipline: the client sees only
    /// what the module sends) and powers the module up (its start-up URCs wait in the pty).
    init(index: Int, spec: PortSpec) throws(ProfileError) {
        let master = posix_openpt(O_RDWR | O_NOCTTY)
        var name = [CChar](repeating: 0, count: 128)
        guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0, ptsname_r(master, &name, name.count) == 0 else {
            throw ProfileError("modem port \(index): cannot open a pseudo-terminal (\(Sock.errorText()))")
        }
        let path = String(cString: name)
        let slave = open(path, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { close(master); throw ProfileError("modem port \(index): cannot open \(path) (\(Sock.errorText()))") }
        var settings = termios()
        tcgetattr(slave, &settings)
        cfmakeraw(&settings)
        tcsetattr(slave, TCSANOW, &settings)
        // Writes never block the module: with no client reading, a full pty drops output as a
        // serial line with nobody listening would.
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
        self.master = master; self.slave = slave
        let imei = spec.dialect.imei(port: index)
        do {
            state = try ModemState(index: index, dialect: spec.dialect, imei: imei, profileName: spec.profile?.path ?? "empty",
                                   slavePath: path, latencyMilliseconds: spec.latencyMilliseconds)
        } catch { close(master); close(slave); throw error }
        module = Module(dialect: spec.dialect, imei: imei, profile: spec.profile, state: state)
        writeURCs(module.boot())
    }

    /// Serves the port on a new thread until `stop()`.
    func start() {
        let t = Thread { [self] in run() }
        t.name = "modem \(state.index)"
        t.start()
    }

    func stop() {
        stopLock.lock(); stopped = true; stopLock.unlock()
        state.wake()
    }

    private var isStopped: Bool { stopLock.lock(); defer { stopLock.unlock() }; return stopped }

    private func run() {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while !isStopped {
            let requests = state.takeRequests()
            if requests.reboot { reboot() }
            writeURCs(requests.urcs)
            var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: state.wakeReadFD, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 2, -1) > 0 else { continue }
            if fds[1].revents != 0 { while read(state.wakeReadFD, &buffer, buffer.count) > 0 {} }
            guard fds[0].revents != 0 else { continue }
            let n = read(master, &buffer, buffer.count)
            guard n > 0 else { usleep(10_000); continue }
            pending += buffer[0..<n]
            // Commands end with CR (V.250); a LF after it is ignored.
            while let cr = pending.firstIndex(of: 0x0D) {
                let line = String(decoding: pending[..<cr].filter { $0 != 0x0A }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                pending.removeSubrange(...cr)
                if !line.isEmpty { handle(line) }
            }
        }
        close(master); close(slave)
    }

    private func handle(_ line: String) {
        guard line.uppercased().hasPrefix("AT") else {
            write(module.echoOn ? line + "\r" : "")
            write(ATAnswer(final: "ERROR").text)
            return
        }
        let fate = state.received(forbidden: Module.forbiddenName(line))
        if fate == .mute { return }
        if module.echoOn { write(line + "\r") }
        let latency = state.latency
        if latency > 0 { usleep(useconds_t(latency * 1000)) }
        switch fate {
        case .answer: write(module.execute(line).text)
        case .garbage: write("\r\n\u{1B}[?\u{7F}+C#\u{2}ZZ\u{FE}\r\n")
        case .reboot: reboot()
        case .mute: break
        }
    }

    /// The module restarts: RDY (or the dialect's start-up URCs) and every setting forgotten.
    private func reboot() {
        state.rebooted()
        writeURCs(module.boot())
    }

    private func writeURCs(_ lines: [String]) {
        for line in lines { write("\r\n\(line)\r\n") }
    }

    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress! + sent, bytes.count - sent) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }
            sent += n
        }
    }
}
