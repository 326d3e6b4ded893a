import Glibc
import Foundation

/// A byte stream to a module: what `ATSession` talks to. `SerialPort` is the real one; tests
/// use scripted in-memory transports.
public protocol LineTransport: AnyObject {
    /// Writes every byte of `bytes`, or throws.
    func write(_ bytes: [UInt8]) throws
    /// The bytes that arrive before `deadline` (at least one when any arrives: returns as soon
    /// as some are available); empty when none arrived in time.
    func read(before deadline: ContinuousClock.Instant) throws -> [UInt8]
}

public enum SerialPortError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case notASerialPort(path: String, reason: String)
    case inUse(path: String)
    case unsupportedBaud(Int)
    case configuration(path: String, call: String, reason: String)
    case io(path: String, call: String, reason: String)
    case closed(path: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open \(path): \(reason); check the path and your permission (group dialout)"
        case .notASerialPort(let path, let reason):
            "\(path) is not a serial port (\(reason)): give a module's port such as /dev/ttyUSB0"
        case .inUse(let path):
            "\(path) is in use by another program: close it (ModemManager, minicom, screen) and retry"
        case .unsupportedBaud(let baud):
            "baud rate \(baud) is not a standard rate: use one of \(SerialPort.standardBauds.keys.sorted().map(String.init).joined(separator: ", "))"
        case .configuration(let path, let call, let reason):
            "cannot configure \(path) (\(call): \(reason)): the port's driver refused the settings"
        case .io(let path, let call, let reason):
            "\(path) failed (\(call): \(reason)): the module was unplugged or the port closed"
        case .closed(let path):
            "\(path) is closed"
        }
    }
}

/// A serial port opened for one examination: exclusive (TIOCEXCL), raw, 8N1, no modem control
/// lines used (CLOCAL), DTR never dropped on close (HUPCL off) so the module is not reset.
public final class SerialPort: LineTransport {
    public enum FlowControl: String, Sendable, Codable { case none, rtsCts }

    /// The standard rates termios names.
    public static let standardBauds: [Int: speed_t] = [
        1200: speed_t(B1200), 2400: speed_t(B2400), 4800: speed_t(B4800), 9600: speed_t(B9600),
        19200: speed_t(B19200), 38400: speed_t(B38400), 57600: speed_t(B57600),
        115200: speed_t(B115200), 230400: speed_t(B230400), 460800: speed_t(B460800), 921600: speed_t(B921600),
    ]

    public let path: String
    public let baud: Int
    public let flowControl: FlowControl
    private var descriptor: Int32

    /// `open(2)` with O_RDWR|O_NOCTTY|O_NONBLOCK, `fstat(2)` (a character device), `isatty(3)`
    /// and `tcgetattr(3)` (a terminal), `ioctl(TIOCEXCL)` at once, then `tcsetattr(3)`.
    public init(path: String, baud: Int = 115_200, flowControl: FlowControl = .none) throws(SerialPortError) {
        guard let speed = Self.standardBauds[baud] else { throw .unsupportedBaud(baud) }
        self.path = path
        self.baud = baud
        self.flowControl = flowControl
        let fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            if code == EBUSY { throw .inUse(path: path) }
            throw .cannotOpen(path: path, reason: Self.reason(code))
        }
        descriptor = fd
        do throws(SerialPortError) {
            try Self.checkTerminal(fd, path: path)
            // TIOCEXCL: no other open of the port succeeds (EBUSY) until this one closes.
            guard ioctl(fd, UInt(TIOCEXCL)) == 0 else { throw .configuration(path: path, call: "ioctl TIOCEXCL", reason: Self.reason(errno)) }
            try Self.configure(fd, path: path, speed: speed, flowControl: flowControl)
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    deinit { close() }

    /// `close(2)`. HUPCL is off, so the driver leaves DTR as it was: the module is not reset.
    public func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    /// `fstat(2)` for a character device, then `isatty(3)` and `tcgetattr(3)`.
    private static func checkTerminal(_ fd: Int32, path: String) throws(SerialPortError) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .notASerialPort(path: path, reason: "fstat: \(reason(errno))") }
        guard (info.st_mode & S_IFMT) == S_IFCHR else { throw .notASerialPort(path: path, reason: "not a character device") }
        var attributes = termios()
        guard isatty(fd) == 1, tcgetattr(fd, &attributes) == 0 else { throw .notASerialPort(path: path, reason: "not a terminal") }
    }

    /// `cfmakeraw(3)`, `cfsetispeed(3)`/`cfsetospeed(3)`, 8N1, CLOCAL|CREAD, HUPCL off,
    /// CRTSCTS only when asked, no software flow control, then `tcsetattr(3)` TCSANOW.
    private static func configure(_ fd: Int32, path: String, speed: speed_t, flowControl: FlowControl) throws(SerialPortError) {
        var attributes = termios()
        guard tcgetattr(fd, &attributes) == 0 else { throw .configuration(path: path, call: "tcgetattr", reason: reason(errno)) }
        cfmakeraw(&attributes)
        attributes.c_cflag &= ~(tcflag_t(CSIZE) | tcflag_t(PARENB) | tcflag_t(CSTOPB) | tcflag_t(HUPCL) | tcflag_t(CRTSCTS))
        attributes.c_cflag |= tcflag_t(CS8) | tcflag_t(CLOCAL) | tcflag_t(CREAD)
        if flowControl == .rtsCts { attributes.c_cflag |= tcflag_t(CRTSCTS) }
        attributes.c_iflag &= ~(tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY))
        guard cfsetispeed(&attributes, speed) == 0, cfsetospeed(&attributes, speed) == 0 else {
            throw .configuration(path: path, call: "cfsetspeed", reason: reason(errno))
        }
        guard tcsetattr(fd, TCSANOW, &attributes) == 0 else { throw .configuration(path: path, call: "tcsetattr", reason: reason(errno)) }
    }

    /// `write(2)` until every byte is written, waiting with `poll(2)` when the port is full.
    public func write(_ bytes: [UInt8]) throws {
        guard descriptor >= 0 else { throw SerialPortError.closed(path: path) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count > 0 { written += count; continue }
            let code = errno
            guard count < 0, code == EAGAIN || code == EINTR else { throw SerialPortError.io(path: path, call: "write", reason: Self.reason(code)) }
            _ = try waitFor(Int16(POLLOUT), before: .now + .seconds(5))
        }
    }

    /// `poll(2)` until `deadline`, then `read(2)` what is there.
    public func read(before deadline: ContinuousClock.Instant) throws -> [UInt8] {
        guard descriptor >= 0 else { throw SerialPortError.closed(path: path) }
        guard try waitFor(Int16(POLLIN), before: deadline) else { return [] }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 {
            let code = errno
            if code == EAGAIN || code == EINTR { return [] }
            throw SerialPortError.io(path: path, call: "read", reason: Self.reason(code))
        }
        if count == 0 { throw SerialPortError.io(path: path, call: "read", reason: "end of file") }
        return Array(buffer.prefix(count))
    }

    /// `poll(2)` for `events`; false when the deadline passed first. POLLHUP/POLLERR throw.
    private func waitFor(_ events: Int16, before deadline: ContinuousClock.Instant) throws -> Bool {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            let milliseconds = max(0, Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw SerialPortError.io(path: path, call: "poll", reason: Self.reason(errno))
            }
            if ready == 0 { return false }
            if entry.revents & events != 0 { return true }
            throw SerialPortError.io(path: path, call: "poll", reason: "the port hung up")
        }
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
