import Foundation
import Modem
import Synchronization

/// A serial port `modem list` found, and what answered on it.
public struct ModemPortListing: Encodable, Sendable {
    public var port: ExaminedPort
    public var answersAT: Bool
    public var manufacturer: String?
    public var model: String?
    public var imei: String?
    /// Why the port could not be asked (in use, not a serial port, no answer).
    public var problem: String?
}

/// `modem list --json` (schema custody.modem-list/1).
public struct ModemList: Encodable, Sendable {
    public static let schema = "custody.modem-list/1"
    public var schema = ModemList.schema
    public var ports: [ModemPortListing]

    /// The candidate ports (/dev/ttyUSB*, /dev/ttyACM*, /dev/serial/by-path/*, then `extra`),
    /// one per device, each asked AT (AT, AT+CGMI, AT+CGMM, AT+CGSN) with a short timeout, in
    /// parallel.
    public static func scan(extra: [String], baud: Int = 115_200) -> ModemList {
        let paths = candidates(extra: extra)
        let results = Mutex([ModemPortListing?](repeating: nil, count: paths.count))
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            let listing = probe(paths[index], baud: baud)
            results.withLock { $0[index] = listing }
        }
        return ModemList(ports: results.withLock { $0.compactMap { $0 } })
    }

    /// One path per device: the by-path names resolve to ttyUSB/ttyACM devices already listed.
    static func candidates(extra: [String]) -> [String] {
        let dev = (try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? []
        let ttys = dev.filter { $0.hasPrefix("ttyUSB") || $0.hasPrefix("ttyACM") }
            .sorted { $0.count == $1.count ? $0 < $1 : $0.count < $1.count }.map { "/dev/" + $0 }
        let byPath = ((try? FileManager.default.contentsOfDirectory(atPath: ExaminedPort.byPathDirectory)) ?? []).sorted()
            .map { (ExaminedPort.byPathDirectory as NSString).appendingPathComponent($0) }
        var seen = Set<String>()
        return (ttys + byPath + extra).filter { seen.insert(($0 as NSString).resolvingSymlinksInPath).inserted }
    }

    /// Opens `path` and asks the module who it is; never more than the identification queries.
    static func probe(_ path: String, baud: Int) -> ModemPortListing {
        var listing = ModemPortListing(port: ExaminedPort(path: path, baud: baud), answersAT: false)
        let serial: SerialPort
        do { serial = try SerialPort(path: path, baud: baud) } catch {
            listing.problem = error.description
            return listing
        }
        defer { serial.close() }
        let session = ATSession(transport: serial, timeouts: ATTimeouts(standard: .milliseconds(700)))
        do throws(ATError) {
            _ = try session.query("AT")
            listing.answersAT = true
            listing.manufacturer = try? session.query("AT+CGMI").first
            listing.model = try? session.query("AT+CGMM").first
            let imei = (try? session.query("AT+CGSN").first)?.replacingOccurrences(of: "+CGSN:", with: "")
                .trimmingCharacters(in: CharacterSet(charactersIn: " \""))
            listing.imei = imei.flatMap { ModuleIdentity.isIMEI($0) ? $0 : nil }
        } catch {
            listing.problem = ModemExamination.failure(error, port: path).message
        }
        return listing
    }
}
