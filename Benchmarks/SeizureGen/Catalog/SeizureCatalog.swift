import CaseStore
import Foundation
import SeededRandom
import SIMCard

/// A simulated seizure shaped like the one in CONTEXT.md (9 systems, 384 SIM-box ports, 53
/// smartphones, 180 basic phones, 19 computers, 7,100 SIMs), as device-catalog rows that
/// `custody device import` accepts. Every count is multiplied by `scale` (rounded, at least 1 of
/// each kind); the same scale and seed give the same rows, byte for byte.
///
/// All data is invented: IMEIs and ICCIDs are random but Luhn-valid, MAC addresses are locally
/// administered (`02:…`), seals and serials are made up.
public struct SeizureCatalog: Sendable {
    /// Parents before children: the seizure, its systems, each system's devices, then the SIMs.
    public let rows: [DeviceSpec]

    /// The catalog CSV (docs/CASE-STORE.md, "Catalog CSV").
    public var csv: String { DeviceCSV.text(rows) }

    public init(scale: Double, seed: UInt64) {
        precondition(scale > 0, "scale must be positive")
        var builder = Builder(scale: scale, seed: seed)
        rows = builder.build()
    }
}

/// The seizure at scale 1 (CONTEXT.md).
public enum SeizureShape {
    public static let systems = 9
    /// SIM-gateway models: ports, SIM slots per port, boxes of the model. 384 ports in all.
    public static let simBoxes: [(make: String, model: String, ports: Int, slotsPerPort: Int, boxes: Int)] = [
        ("Ejoin", "EIM-532 (32 ports × 4 SIMs)", 32, 4, 4),
        ("DBL", "GoIP-32", 32, 1, 2),
        ("DBL", "GoIP-16", 16, 1, 8),
        ("Dinstar", "UC2000-VE-8G (8 ports × 4 SIMs)", 8, 4, 4),
        ("DBL", "GoIP-8", 8, 1, 4),
    ]
    /// SIM banks serving SIMs to the gateways over IP: 32 ports × 4 slots each.
    public static let simBanks = 3
    public static let simBankPorts = 32
    public static let simBankSlotsPerPort = 4
    public static let smartphones = 53
    public static let basicPhones = 180
    public static let computers = 19
    public static let simLots = 18
    public static let sims = 7_100
    /// Share of SIM-box and SIM-bank slots found holding a SIM; the other SIMs are in lots.
    public static let slotOccupancy = 0.92

    public static var simBoxPorts: Int { simBoxes.reduce(0) { $0 + $1.ports * $1.boxes } }
}

/// ICCID issuer prefixes used (ITU-T E.118: 89 telecom, 84 Viet Nam, then the issuer), weighted
/// roughly like the spam rings' prepaid SIMs.
let issuerPrefixes: [(prefix: String, weight: Int)] = [
    ("898404", 45),  // Viettel
    ("898401", 20),  // MobiFone
    ("898402", 20),  // VinaPhone
    ("898405", 10),  // Vietnamobile
    ("898408", 5),   // Itel
]

/// Type allocation codes for the invented phones (8 digits each; not checked against any list).
let smartphoneModels: [(make: String, model: String, tac: String, dualSIM: Bool)] = [
    ("Apple", "iPhone 8", "35674108", false),
    ("Apple", "iPhone X", "35309709", false),
    ("Samsung", "Galaxy A10", "35283510", true),
    ("OPPO", "A5s", "86781204", true),
    ("Xiaomi", "Redmi 9A", "86447105", true),
]
let basicPhoneModels: [(make: String, model: String, tac: String, dualSIM: Bool)] = [
    ("Nokia", "105 (2019)", "35181210", true),
    ("itel", "it2160", "35738612", true),
    ("Masstel", "Izi 208", "86112403", true),
    ("Nokia", "105 4G", "35540711", false),
]
let computerModels: [(make: String, model: String)] = [
    ("Apple", "Mac mini (2018)"), ("Dell", "OptiPlex 3080"), ("HP", "ProDesk 400 G6"), ("Lenovo", "ThinkCentre M70q"),
]

struct Builder {
    let scale: Double
    var random: SplitMix64
    var usedICCIDs = Set<String>()
    var usedIMEIs = Set<String>()
    var seals = 0

    init(scale: Double, seed: UInt64) {
        self.scale = scale
        random = SplitMix64(seed: seed)
    }

    /// `base × scale`, rounded, at least 1.
    func scaled(_ base: Int) -> Int { max(1, Int((Double(base) * scale).rounded())) }

    /// `prefix` and `n` zero-padded to the width of `total`.
    func label(_ prefix: String, _ n: Int, of total: Int) -> String {
        let width = max(2, String(total).count)
        let digits = String(n)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
    }

    mutating func hex(_ count: Int) -> String {
        String((0..<count).map { _ in "0123456789ABCDEF".randomElement(using: &random)! })
    }

    /// A locally administered unicast MAC address (first octet 02): never a real vendor's.
    mutating func mac() -> String { "02:" + (0..<5).map { _ in hex(2) }.joined(separator: ":") }

    mutating func seal() -> String {
        seals += 1
        return "VN-SEAL-" + label("", seals, of: 99_999)
    }

    mutating func location() -> String { "Evidence room \(Int.random(in: 1...3, using: &random)), shelf \(Int.random(in: 1...40, using: &random))" }

    /// A fresh IMEI with `tac` (8 digits) + 6 random digits + Luhn check digit.
    mutating func imei(tac: String) -> String {
        while true {
            let body = tac + digits(6)
            let imei = body + String(Luhn.checkDigit(of: body))
            if usedIMEIs.insert(imei).inserted { return imei }
        }
    }

    /// `count` fresh ICCIDs (19 digits, Luhn-valid) in runs of consecutive serials of one issuer,
    /// the way prepaid SIMs are sold in bundles.
    mutating func iccids(_ count: Int) -> [String] {
        var out = [String]()
        out.reserveCapacity(count)
        let totalWeight = issuerPrefixes.reduce(0) { $0 + $1.weight }
        while out.count < count {
            var pick = Int.random(in: 0..<totalWeight, using: &random)
            let prefix = issuerPrefixes.first { pick -= $0.weight; return pick < 0 }!.prefix
            // 12 digits of serial after the 6-digit prefix: 2 of year, 10 of running number.
            let year = Int.random(in: 17...21, using: &random)
            var serial = Int.random(in: 0..<9_000_000_000, using: &random)
            for _ in 0..<min(count - out.count, Int.random(in: 10...100, using: &random)) {
                let number = String(serial)
                let body = prefix + String(year) + String(repeating: "0", count: 10 - number.count) + number
                let iccid = body + String(Luhn.checkDigit(of: body))
                if usedICCIDs.insert(iccid).inserted { out.append(iccid) }
                serial += 1
            }
        }
        return out
    }

    mutating func build() -> [DeviceSpec] {
        let seizure = "SZ-2021-10"
        var top = DeviceSpec(label: seizure, type: .device(.seizure))
        top.note = "Simulated seizure of SMS-spam systems (CONTEXT.md), generated by seizure-gen"
        top.location = "Evidence room 1"
        let systemCount = scaled(SeizureShape.systems)
        let systems = (1...systemCount).map { label("SYS-", $0, of: systemCount) }
        var devices = [[DeviceSpec]](repeating: [], count: systemCount)
        /// Slots that may hold a SIM, in catalog order.
        var slots = [String]()
        var placed = 0
        /// Puts the device in the next system, round-robin.
        func place(_ spec: DeviceSpec) {
            var s = spec
            s.parent = systems[placed % systemCount]
            devices[placed % systemCount].append(s)
            placed += 1
        }

        let boxTotal = SeizureShape.simBoxes.reduce(0) { $0 + scaled($1.boxes) }
        var box = 0
        for kind in SeizureShape.simBoxes {
            for _ in 0..<scaled(kind.boxes) {
                box += 1
                var s = DeviceSpec(label: label("SB-", box, of: boxTotal), type: .device(.simbox))
                s.make = kind.make; s.model = kind.model; s.ports = kind.ports; s.slotsPerPort = kind.slotsPerPort
                s.serial = kind.make.uppercased() + "-" + hex(10); s.mac = mac(); s.seal = seal(); s.location = location()
                place(s)
                for p in 1...kind.ports { for m in 1...kind.slotsPerPort { slots.append("\(s.label)/P\(p)/S\(m)") } }
            }
        }
        let bankTotal = scaled(SeizureShape.simBanks)
        for n in 1...bankTotal {
            var s = DeviceSpec(label: label("BK-", n, of: bankTotal), type: .device(.simbank))
            s.make = "DBL"; s.model = "GoIP SIM Bank SMB128"
            s.ports = SeizureShape.simBankPorts; s.slotsPerPort = SeizureShape.simBankSlotsPerPort
            s.serial = "SMB-" + hex(10); s.mac = mac(); s.seal = seal(); s.location = location()
            place(s)
            for p in 1...SeizureShape.simBankPorts { for m in 1...SeizureShape.simBankSlotsPerPort { slots.append("\(s.label)/P\(p)/S\(m)") } }
        }
        for (prefix, base, models) in [("SP-", SeizureShape.smartphones, smartphoneModels), ("BP-", SeizureShape.basicPhones, basicPhoneModels)] {
            let total = scaled(base)
            for n in 1...total {
                let model = models.randomElement(using: &random)!
                var s = DeviceSpec(label: label(prefix, n, of: total), type: .device(.phone))
                s.make = model.make; s.model = model.model
                s.imeis = [imei(tac: model.tac)]
                if model.dualSIM { s.imeis.append(imei(tac: model.tac)) }
                s.seal = seal(); s.location = location()
                if Int.random(in: 0..<10, using: &random) == 0 { s.condition = "screen cracked" }
                place(s)
            }
        }
        let computerTotal = scaled(SeizureShape.computers)
        for n in 1...computerTotal {
            let model = computerModels.randomElement(using: &random)!
            var s = DeviceSpec(label: label("PC-", n, of: computerTotal), type: .device(.computer))
            s.make = model.make; s.model = model.model
            s.serial = hex(12); s.mac = mac(); s.hostname = "sms-ws-" + label("", n, of: computerTotal)
            s.seal = seal(); s.location = location()
            place(s)
        }

        // SIMs: most box and bank slots hold one, the rest are in lots.
        let simTotal = scaled(SeizureShape.sims)
        var simParents = [String]()
        simParents.reserveCapacity(simTotal)
        for slot in slots where simParents.count < simTotal && Double.random(in: 0..<1, using: &random) < SeizureShape.slotOccupancy {
            simParents.append(slot)
        }
        let lotTotal = scaled(SeizureShape.simLots)
        let inLots = simTotal - simParents.count
        // Random lot sizes summing to `inLots`: cut points in 0...inLots.
        let cuts = ([0, inLots] + (1..<lotTotal).map { _ in Int.random(in: 0...inLots, using: &random) }).sorted()
        for n in 1...lotTotal {
            let count = cuts[n] - cuts[n - 1]
            var s = DeviceSpec(label: label("LOT-", n, of: lotTotal), type: .device(.simlot))
            s.count = count; s.seal = seal(); s.location = location()
            s.note = "bag of loose prepaid SIMs"
            place(s)
            simParents += Array(repeating: s.label, count: count)
        }

        let iccidList = iccids(simTotal)
        var sims = [DeviceSpec]()
        sims.reserveCapacity(simTotal)
        for (i, parent) in simParents.enumerated() {
            var s = DeviceSpec(label: label("SIM-", i + 1, of: simTotal), type: .device(.sim), parent: parent)
            s.iccid = iccidList[i]
            sims.append(s)
        }
        var rows = [top]
        for (n, system) in systems.enumerated() {
            var s = DeviceSpec(label: system, type: .device(.system), parent: seizure)
            s.note = "seized rig \(n + 1) of \(systemCount)"
            rows.append(s)
        }
        for list in devices { rows += list }
        return rows + sims
    }
}
