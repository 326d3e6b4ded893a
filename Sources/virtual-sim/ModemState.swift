import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The forensic counters of one modem port, reported by `stats`.
struct ModemStats {
    var commandsTotal = 0
    /// Commands not on issue 17's allow-list, and their names in the order received.
    var forbiddenCommands = 0
    var forbiddenCommandNames: [String] = []
    /// APDUs that reached the SIM and are not read-only (through AT+CSIM or AT+CRSM 214/220/…).
    var writeClassAPDUs = 0
    var pinPresentations = 0
    var pinTriesConsumed = 0
    /// Every change of AT+CFUN state, as "1>4".
    var radioChanges: [String] = []
    var reboots = 0
}

/// Faults armed from the control socket; each count is commands still answered normally.
struct ModemFaults {
    var rebootAfter: Int?
    var countdowns = Countdowns()

    var description: String {
        ((rebootAfter.map { ["reboot-after \($0)"] } ?? []) + countdowns.descriptionParts).joined(separator: ", ")
    }
}

/// What the port loop does with a command line it just received.
enum CommandFate { case answer, mute, garbage, reboot }

/// What the module reports about itself after each command, for `stats`.
struct ModuleSnapshot {
    var radio = 1
    var simState = "NOT INSERTED"
    var echo = true
    var smsUnread = 0
    var smsStored = 0
}

/// State shared by one port's loop thread and its control-socket thread. `@unchecked Sendable`:
/// every mutable field is read and written only while holding `lock`.
final class ModemState: @unchecked Sendable {
    let index: Int
    let dialect: ModemDialect
    let imei: String
    let profileName: String
    let slavePath: String
    private let lock = NSLock()
    private var stats = ModemStats()
    private var faults = ModemFaults()
    private var latencyMilliseconds: Int
    private var snapshot = ModuleSnapshot()
    private var rebootRequested = false
    private var queuedURCs: [String] = []
    /// A pipe: the control side writes a byte to it so that the port loop, waiting in `poll`
    /// for the client, wakes and takes the requests (no polling while idle).
    let wakeReadFD: Int32
    private let wakeWriteFD: Int32

    init(index: Int, dialect: ModemDialect, imei: String, profileName: String, slavePath: String,
         latencyMilliseconds: Int) throws(ProfileError) {
        self.index = index; self.dialect = dialect; self.imei = imei
        self.profileName = profileName; self.slavePath = slavePath; self.latencyMilliseconds = latencyMilliseconds
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw ProfileError("modem port \(index): cannot create a pipe (\(Sock.errorText()))") }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        wakeReadFD = fds[0]; wakeWriteFD = fds[1]
    }

    /// Nobody can `wake()` any more: the pipe's numbers cannot be reused under a writer.
    deinit { close(wakeReadFD); close(wakeWriteFD) }

    /// Wakes the port loop (a full pipe already will).
    func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWriteFD, &byte, 1)
    }

    private func locked<T>(_ body: () -> T) -> T { lock.lock(); defer { lock.unlock() }; return body() }

    // MARK: loop side

    /// Counts a received command (`forbidden`: its name when not on the allow-list) and decides
    /// whether a fault applies to it.
    func received(forbidden: String?) -> CommandFate {
        locked {
            stats.commandsTotal += 1
            if let forbidden {
                stats.forbiddenCommands += 1
                stats.forbiddenCommandNames.append(forbidden)
            }
            if let n = faults.rebootAfter {
                if n <= 0 { faults.rebootAfter = nil; return .reboot }
                faults.rebootAfter = n - 1
            }
            let countdown = faults.countdowns.next()
            if countdown.mute { return .mute }
            return countdown.garbage ? .garbage : .answer
        }
    }

    func countAPDU(writeClass: Bool, pinPresented: Bool, tryConsumed: Bool) {
        locked {
            if writeClass { stats.writeClassAPDUs += 1 }
            if pinPresented { stats.pinPresentations += 1 }
            if tryConsumed { stats.pinTriesConsumed += 1 }
        }
    }

    func radioChanged(from old: Int, to new: Int) { locked { stats.radioChanges.append("\(old)>\(new)") } }

    func rebooted() { locked { stats.reboots += 1 } }

    func publish(_ s: ModuleSnapshot) { locked { snapshot = s } }

    var latency: Int { locked { latencyMilliseconds } }

    /// A reboot and URCs asked for on the control socket since the last call.
    func takeRequests() -> (reboot: Bool, urcs: [String]) {
        locked {
            defer { rebootRequested = false; queuedURCs = [] }
            return (rebootRequested, queuedURCs)
        }
    }

    // MARK: control side

    func arm(_ kind: String, _ n: Int) {
        locked {
            switch kind {
            case "mute-after": faults.countdowns.muteAfter = n
            case "garbage-after": faults.countdowns.garbageAfter = n
            default: faults.rebootAfter = n
            }
        }
    }

    func clearFaults() { locked { faults = ModemFaults() } }
    func requestReboot() { locked { rebootRequested = true }; wake() }
    func queueURC(_ line: String) { locked { queuedURCs.append(line) }; wake() }
    func setLatency(_ ms: Int) { locked { latencyMilliseconds = ms } }
    func resetStats() { locked { stats = ModemStats() } }

    func statsJSON() -> String {
        locked {
            JSON.object([
                ("port", "\(index)"),
                ("path", JSON.string(slavePath)),
                ("dialect", JSON.string(dialect.rawValue)),
                ("imei", JSON.string(imei)),
                ("profile", JSON.string(profileName)),
                ("commandsTotal", "\(stats.commandsTotal)"),
                ("forbiddenCommands", "\(stats.forbiddenCommands)"),
                ("forbiddenCommandNames", JSON.array(stats.forbiddenCommandNames)),
                ("writeClassAPDUs", "\(stats.writeClassAPDUs)"),
                ("pinPresentations", "\(stats.pinPresentations)"),
                ("pinTriesConsumed", "\(stats.pinTriesConsumed)"),
                ("radioChanges", JSON.array(stats.radioChanges)),
                ("radio", "\(snapshot.radio)"),
                ("simState", JSON.string(snapshot.simState)),
                ("echo", "\(snapshot.echo)"),
                ("smsUnread", "\(snapshot.smsUnread)"),
                ("smsStored", "\(snapshot.smsStored)"),
                ("reboots", "\(stats.reboots)"),
                ("latencyMs", "\(latencyMilliseconds)"),
                ("faults", JSON.string(faults.description)),
            ])
        }
    }

    /// One control command (docs/CARD-PROFILES.md, "Virtual modem pool"); one JSON line back.
    func handle(_ line: String) -> String {
        func error(_ why: String) -> String { JSON.object([("ok", "false"), ("error", JSON.string(why))]) }
        let ok = JSON.object([("ok", "true")])
        let words = line.split(separator: " ", maxSplits: 1).map(String.init)
        guard let verb = words.first else { return error("empty command") }
        let arg = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : nil
        switch verb {
        case "stats": return statsJSON()
        case "reset-stats": resetStats(); return ok
        case "reboot": requestReboot(); return ok
        case "clear": clearFaults(); return ok
        case "mute-after", "garbage-after", "reboot-after":
            guard let arg, let n = Int(arg), n >= 0 else { return error("\(verb) needs a count (0 or more)") }
            arm(verb, n)
            return JSON.object([("ok", "true"), ("armed", JSON.string("\(verb) \(n)"))])
        case "latency":
            guard let arg, let ms = Int(arg), (0...60_000).contains(ms) else { return error("latency needs milliseconds (0 to 60000)") }
            setLatency(ms)
            return ok
        case "urc":
            guard let arg, !arg.isEmpty else { return error("urc needs the line to send, e.g. urc +CMTI: \"SM\",3") }
            queueURC(arg)
            return ok
        default:
            return error("unknown command \"\(verb)\" (stats, reset-stats, reboot, reboot-after N, mute-after N, garbage-after N, clear, latency MS, urc LINE)")
        }
    }
}
