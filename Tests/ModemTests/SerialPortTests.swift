import Foundation
import Glibc
import Testing
@testable import Modem

/// SerialPort on a real pseudo-terminal: the test holds the master side and answers like a
/// module from a thread; the session opens the slave as it would /dev/ttyUSB0.
@Suite struct SerialPortTests {
    /// A pty pair; the master answers each CR-terminated line with `answer(line)` (after an echo).
    final class PseudoModule: Sendable {
        let master: Int32
        let slavePath: String

        init(answer: @escaping @Sendable (String) -> String) throws {
            // posix_openpt/grantpt/unlockpt/ptsname are not visible from Swift's Glibc module:
            // /dev/ptmx, then TIOCSPTLCK (unlock) and TIOCGPTN (the slave's number), whose
            // _IOW/_IOR values are spelt out (asm-generic/ioctls.h; not imported as macros).
            master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
            var unlock: Int32 = 0
            var number: UInt32 = 0
            guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
                throw SerialPortError.cannotOpen(path: "/dev/ptmx", reason: "no pseudo-terminal")
            }
            slavePath = "/dev/pts/\(number)"
            var pipeEnds: [Int32] = [0, 0]
            guard pipe(&pipeEnds) == 0 else { throw SerialPortError.cannotOpen(path: "pipe", reason: "no pipe") }
            stopReader = pipeEnds[0]; stopWriter = pipeEnds[1]
            let fd = master, stopReader = stopReader, finished = finished
            // The responder owns the master and closes it itself when told to stop: closing it
            // from another thread while this one reads would let the next test's terminal get
            // the same descriptor number, and this responder would answer that test's commands.
            Thread.detachNewThread {
                defer { Glibc.close(fd); finished.signal() }
                var line: [UInt8] = []
                var byte: UInt8 = 0
                var watched = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: stopReader, events: Int16(POLLIN), revents: 0)]
                while poll(&watched, 2, -1) >= 0, watched[1].revents == 0, Glibc.read(fd, &byte, 1) == 1 {
                    guard byte == 0x0D else { line.append(byte); continue }
                    let text = String(decoding: line, as: UTF8.self)
                    line = []
                    let reply = Array((text + "\r" + answer(text)).utf8)
                    _ = reply.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                }
            }
        }

        /// Both ends stay open until `close()`, so its write never meets a closed pipe (SIGPIPE).
        let stopReader: Int32, stopWriter: Int32
        let finished = DispatchSemaphore(value: 0)

        /// Stops the responder and waits until it has closed the master.
        func close() {
            _ = Glibc.write(stopWriter, "x", 1)
            finished.wait()
            Glibc.close(stopWriter); Glibc.close(stopReader)
        }
    }

    @Test func aSessionOverARealTerminal() throws {
        let module = try PseudoModule { line in
            switch line {
            case "AT+CGMI": "\r\n+CREG: 1\r\nQuectel\r\n\r\nOK\r\n"
            case "AT+CIMI": "\r\n+CME ERROR: 10\r\n"
            default: "\r\nERROR\r\n"
            }
        }
        defer { module.close() }
        let port = try SerialPort(path: module.slavePath, baud: 115_200)
        defer { port.close() }
        let session = ATSession(transport: port)
        #expect(try session.query("AT+CGMI") == ["Quectel"])
        #expect(session.echoes)
        #expect(session.unsolicited.map(\.line) == ["+CREG: 1"])
        #expect(try session.send("AT+CIMI").final == .cmeError(code: 10, text: nil))
    }

    @Test func aSilentTerminalTimesOut() throws {
        let module = try PseudoModule { _ in "" }
        defer { module.close() }
        let port = try SerialPort(path: module.slavePath)
        let session = ATSession(transport: port, timeouts: ATTimeouts(standard: .milliseconds(200)))
        let started = ContinuousClock.now
        #expect(throws: ATError.self) { try session.send("AT") }
        // It waited for its deadline rather than failing at once (poll's millisecond rounding
        // and the session's own clock may end it a hair before 200 ms by this clock).
        #expect(started.duration(to: .now) >= .milliseconds(180))
    }

    @Test func theOpenIsExclusive() throws {
        let module = try PseudoModule { _ in "\r\nOK\r\n" }
        defer { module.close() }
        let port = try SerialPort(path: module.slavePath)
        defer { port.close() }
        // Anyone but root gets EBUSY; root (CAP_SYS_ADMIN) bypasses TIOCEXCL, so there a second
        // descriptor reads the terminal's exclusive flag back (TIOCGEXCL, _IOR('T', 0x40, int)).
        if geteuid() != 0 {
            #expect(throws: SerialPortError.inUse(path: module.slavePath)) { try SerialPort(path: module.slavePath) }
        } else {
            let second = open(module.slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK)
            defer { Glibc.close(second) }
            var exclusive: Int32 = 0
            #expect(second >= 0 && ioctl(second, 0x8004_5440, &exclusive) == 0)
            #expect(exclusive == 1)
        }
        #expect(SerialPortError.inUse(path: "/dev/ttyUSB3").description == "/dev/ttyUSB3 is in use by another program: close it (ModemManager, minicom, screen) and retry")
    }

    @Test func pathsThatAreNotSerialPortsAreRefused() {
        #expect(throws: SerialPortError.notASerialPort(path: "/dev/null", reason: "not a terminal")) { try SerialPort(path: "/dev/null") }
        let regularFile = #filePath
        #expect(throws: SerialPortError.notASerialPort(path: regularFile, reason: "not a character device")) { try SerialPort(path: regularFile) }
        #expect(throws: SerialPortError.unsupportedBaud(12345)) { try SerialPort(path: "/dev/null", baud: 12345) }
        #expect(throws: SerialPortError.self) { try SerialPort(path: "/dev/does-not-exist") }
    }
}
