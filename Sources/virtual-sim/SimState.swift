import Foundation

/// Counters reported by `stats`.
struct Stats {
    var apdus = 0
    var writeClassAPDUs = 0
    var pinTriesConsumed = 0
    var pinPresentations = 0
    var atrRequests = 0
}

/// The `mute-after N` and `garbage-after N` faults of both simulators: each counts messages
/// (APDUs for a card, command lines for a modem) still to be answered normally; from then on
/// every message is ignored (muted) or answered with garbage.
struct Countdowns {
    var muteAfter: Int?
    var garbageAfter: Int?
    var muted = false
    var garbage = false

    /// Counts one received message and says what becomes of it.
    mutating func next() -> (mute: Bool, garbage: Bool) {
        if let n = muteAfter {
            if n <= 0 { muteAfter = nil; muted = true } else { muteAfter = n - 1 }
        }
        if let n = garbageAfter {
            if n <= 0 { garbageAfter = nil; garbage = true } else { garbageAfter = n - 1 }
        }
        return (muted, garbage)
    }

    var descriptionParts: [String] {
        var parts: [String] = []
        if let n = muteAfter { parts.append("mute-after \(n)") }
        if let n = garbageAfter { parts.append("garbage-after \(n)") }
        if muted { parts.append("muted") }
        if garbage { parts.append("garbage") }
        return parts
    }
}

/// Fault injection armed from the control socket; each counts APDUs still to be answered normally.
struct Faults {
    var removeAfter: Int?
    var countdowns = Countdowns()
    /// Seeded misbehaviours (`fuzz SEED`), applied to every APDU from arming on.
    var plan: FaultPlan?

    var description: String {
        var parts: [String] = []
        if let plan { parts.append("fuzz \(plan)") }
        if let n = removeAfter { parts.append("remove-after \(n)") }
        return (parts + countdowns.descriptionParts).joined(separator: ", ")
    }
}

/// What the vpcd loop should do with the APDU it just received.
enum FaultAction { case answer, removeNow, mute, garbage, misbehave(FaultPlan) }

/// State shared by the vpcd loop thread, the control-socket thread and the signal handlers.
/// `@unchecked Sendable` because every mutable field is read and written only while holding
/// `cond` (an NSCondition, also used to wake the loop when a card is inserted).
final class SimState: @unchecked Sendable {
    let cond = NSCondition()
    /// The examiner's intent: card in the reader or not.
    private(set) var wantInserted: Bool
    /// The connected vpcd socket, or -1. Only the loop thread opens and closes it (with the
    /// lock held); other threads may only `shutdown` it while holding the lock.
    private var vpcdFD: Int32 = -1
    private var stats = Stats()
    private var faults = Faults()
    private var profileName: String
    private var profilePath: String
    /// Set by `insert PATH`; the loop loads it before reconnecting.
    private var nextProfilePath: String?
    private var pinSnapshot: (pin1: Int, puk1: Int, pin2: Int, puk2: Int, pin1Enabled: Bool) = (0, 0, 0, 0, false)
    /// Bumped by every remove/insert so a connect attempt started earlier is abandoned.
    private(set) var generation = 0

    init(inserted: Bool, profileName: String, profilePath: String) {
        wantInserted = inserted; self.profileName = profileName; self.profilePath = profilePath
    }

    private func locked<T>(_ body: () -> T) -> T { cond.lock(); defer { cond.unlock() }; return body() }

    // MARK: control side

    func remove() {
        locked {
            wantInserted = false
            generation += 1
            faults = Faults()
            if vpcdFD >= 0 { _ = shutdown(vpcdFD, Int32(SHUT_RDWR)) }
            cond.broadcast()
        }
    }

    /// Inserts the card (optionally a different profile); waits up to `wait` seconds for vpcd.
    func insert(profilePath path: String?, wait: TimeInterval) -> Bool {
        cond.lock(); defer { cond.unlock() }
        if let path { nextProfilePath = path }
        if vpcdFD >= 0, path != nil {
            // Swap the card: pull the old one first.
            _ = shutdown(vpcdFD, Int32(SHUT_RDWR))
        }
        // Faults armed while the card was out are for this card (a test arms them between
        // remove and insert, before any reader can talk to it); a swap pulls the old card and
        // its faults with it.
        if wantInserted { faults = Faults() }
        wantInserted = true
        generation += 1
        cond.broadcast()
        let deadline = Date(timeIntervalSinceNow: wait)
        while !(vpcdFD >= 0 && nextProfilePath == nil) {
            if !cond.wait(until: deadline) { break }
        }
        return vpcdFD >= 0 && nextProfilePath == nil
    }

    func arm(_ kind: String, _ n: Int) {
        locked {
            switch kind {
            case "remove-after": faults.removeAfter = n
            case "mute-after": faults.countdowns.muteAfter = n
            default: faults.countdowns.garbageAfter = n
            }
        }
    }

    /// Arms the seeded misbehaviours of `plan` (docs/CARD-PROFILES.md "Fault mode").
    func arm(_ plan: FaultPlan) { locked { faults.plan = plan } }

    /// The card was pulled by a fault plan: it stays out until the next `insert`.
    func pulledByFault() { locked { wantInserted = false; generation += 1; cond.broadcast() } }

    func resetStats() { locked { stats = Stats() } }

    func statsJSON() -> String {
        locked {
            var fields: [(String, String)] = [
                ("apdus", "\(stats.apdus)"),
                ("writeClassAPDUs", "\(stats.writeClassAPDUs)"),
                ("pinTriesConsumed", "\(stats.pinTriesConsumed)"),
                ("pinPresentations", "\(stats.pinPresentations)"),
                ("atrRequests", "\(stats.atrRequests)"),
                ("inserted", "\(wantInserted)"),
                ("connected", "\(vpcdFD >= 0)"),
                ("profile", JSON.string(profileName)),
                ("profilePath", JSON.string(profilePath)),
                ("pin1Tries", "\(pinSnapshot.pin1)"),
                ("puk1Tries", "\(pinSnapshot.puk1)"),
                ("pin2Tries", "\(pinSnapshot.pin2)"),
                ("puk2Tries", "\(pinSnapshot.puk2)"),
                ("pin1Enabled", "\(pinSnapshot.pin1Enabled)"),
            ]
            fields.append(("faults", JSON.string(faults.description)))
            return JSON.object(fields)
        }
    }

    // MARK: loop side

    /// Blocks until the card should be in the reader; returns a profile path to load, if any.
    func waitUntilInserted() -> (generation: Int, newProfile: String?) {
        cond.lock(); defer { cond.unlock() }
        while !wantInserted { cond.wait() }
        return (generation, nextProfilePath)
    }

    func profileLoaded(name: String, path: String) {
        locked { profileName = name; profilePath = path; nextProfilePath = nil }
    }

    func profileFailed() { locked { nextProfilePath = nil; wantInserted = false; cond.broadcast() } }

    /// Publishes a freshly connected socket unless a remove/insert happened meanwhile.
    func attach(_ fd: Int32, generation g: Int) -> Bool {
        locked {
            guard wantInserted, g == generation, nextProfilePath == nil else { return false }
            vpcdFD = fd
            cond.broadcast()
            return true
        }
    }

    func stillWanted(generation g: Int) -> Bool { locked { wantInserted && g == generation } }

    func detachAndClose(_ fd: Int32) {
        locked {
            if vpcdFD == fd { vpcdFD = -1 }
            close(fd)
            cond.broadcast()
        }
    }

    func countATR() { locked { stats.atrRequests += 1 } }

    /// Counts a received APDU and decides whether a fault applies to it.
    func receivedAPDU(writeClass: Bool) -> FaultAction {
        locked {
            stats.apdus += 1
            if writeClass { stats.writeClassAPDUs += 1 }
            if let n = faults.removeAfter {
                if n <= 1 { faults.removeAfter = nil; wantInserted = false; generation += 1; return .removeNow }
                faults.removeAfter = n - 1
            }
            let countdown = faults.countdowns.next()
            if countdown.mute { return .mute }
            if countdown.garbage { return .garbage }
            if let plan = faults.plan { return .misbehave(plan) }
            return .answer
        }
    }

    /// Counts what an APDU did (nil: a card was just loaded) and snapshots its PIN counters.
    func answered(_ o: Outcome?, card: Card) {
        locked {
            if o?.pinPresented == true { stats.pinPresentations += 1 }
            if o?.tryConsumed == true { stats.pinTriesConsumed += 1 }
            pinSnapshot = (card.pin1.tries, card.puk1.tries, card.pin2.tries, card.puk2.tries, card.pin1.enabled)
        }
    }
}

/// Minimal JSON writing (the values are numbers, booleans, hex and names).
enum JSON {
    static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    static func array(_ strings: [String]) -> String { "[" + strings.map(string).joined(separator: ",") + "]" }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }
}
