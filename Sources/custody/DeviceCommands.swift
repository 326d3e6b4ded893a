import ArgumentParser
import CaseStore
import Foundation
import Ledger
import Workbench

struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "The device registry: seized systems, SIM boxes and banks, ports, slots, phones, computers, SIM lots, SIMs.",
        discussion: "Every change is a signed ledger entry (docs/CASE-STORE.md, \"Device registry\").",
        subcommands: [DeviceAdd.self, DeviceImport.self, DevicePlace.self, DeviceList.self, DeviceShow.self, DeviceFind.self]
    )
}

struct DeviceAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Register one device (a SIM box/bank with --ports also gets its ports and slots: SB-03/P17/S2).",
        discussion: "Types: \(DeviceType.allCases.map(\.rawValue).joined(separator: ", ")). One device.add entry, whatever the number of ports and slots."
    )
    @Argument(help: "Exhibit label (unique in the case, as printed on the bag or tag).") var label: String
    @Option(help: "Device type.") var type: String
    @Option(help: "Label of the item that holds this one.") var parent: String?
    @Option var make: String?
    @Option var model: String?
    @Option var serial: String?
    @Option(help: "MAC address.") var mac: String?
    @Option(name: .customLong("imei"), help: "Phone IMEI (1 or 2, Luhn-checked) or a port's module IMEI; repeatable.") var imeis: [String] = []
    @Option(help: "Computer host name.") var hostname: String?
    @Option(help: "SIM lot: number of SIMs in the lot.") var count: Int?
    @Option(help: "SIM: its ICCID, when known before the read.") var iccid: String?
    @Option var condition: String?
    @Option(help: "Storage location.") var location: String?
    @Option(help: "Seal number.") var seal: String?
    @Option(help: "Free text.") var note: String?
    @Option(help: "SIM box/bank: number of ports (creates <label>/P1…).") var ports: Int?
    @Option(help: "SIM box/bank: SIM slots per port (default 1; creates <label>/P<n>/S1…).") var slotsPerPort: Int?
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON.") var json = false

    func run() throws {
        try reportingFailures {
            var spec = DeviceSpec(label: label, type: ItemType(rawValue: type.lowercased()), parent: parent)
            spec.make = make; spec.model = model; spec.serial = serial; spec.mac = mac; spec.imeis = imeis
            spec.hostname = hostname; spec.count = count; spec.iccid = iccid; spec.condition = condition
            spec.location = location; spec.seal = seal; spec.note = note; spec.ports = ports; spec.slotsPerPort = slotsPerPort
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let outcome = try inCase { () throws(CaseStoreError) in try store.addDevice(spec, by: examiner) }
            var what = "\(label) (\(spec.type)) by \(examiner)"
            if let ports {
                what += ": \(ports) ports × \(slotsPerPort ?? 1) slots, \(outcome.items) items in all"
            }
            try printEntry(outcome.entry, json: json, what: what)
        }
    }
}

struct DeviceImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Register every device in a catalog CSV (all or nothing; columns in docs/CASE-STORE.md).",
        discussion: "A bad row refuses the whole file (\"line N: reason\") and nothing is written. One device.import entry with the file's SHA-256."
    )
    @Argument(help: "The catalog, RFC 4180 CSV with a header row.") var file: String
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON.") var json = false

    func run() throws {
        try reportingFailures {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CustodyFailure("cannot read \(file): check the path and its permissions; nothing was written")
            }
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let name = (file as NSString).lastPathComponent
            let outcome = try inCase { () throws(CaseStoreError) in try store.importDevices(csv: data, fileName: name, by: examiner) }
            try printEntry(outcome.entry, json: json,
                           what: "\(outcome.rows) rows, \(outcome.items) items from \(name) (SHA-256 \(outcome.sha256 ?? "")) by \(examiner)")
        }
    }
}

extension DeviceOutput {
    /// One line: label, type, parent, identifiers and attributes as key=value.
    var text: String {
        var parts = [label, type, parent.map { "in \($0)" } ?? "-"]
        var fields = [String]()
        if case .object(let o) = identifiers.value, !o.isEmpty { fields.append(JSONPayload.text(o)) }
        if case .object(let o) = attributes.value, !o.isEmpty { fields.append(JSONPayload.text(o)) }
        if let tac { fields.append(tac.keys.sorted().map { "TAC(\($0))=\(tac[$0]!)" }.joined(separator: " ")) }
        parts.append(fields.joined(separator: " "))
        return parts.joined(separator: "\t")
    }
}

struct DeviceList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List registered items (in creation order).")
    @Option(help: "Only items of this type.") var type: String?
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.devices/1).") var json = false

    struct Output: Encodable {
        var schema = "custody.devices/1"
        var caseID: String
        var items: [DeviceOutput]
    }

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let items = try inCase { () throws(CaseStoreError) in try store.items(type: type.map { ItemType(rawValue: $0.lowercased()) }) }
            if json { try printJSON(Output(caseID: store.caseID, items: items.map(DeviceOutput.init))); return }
            for i in items { print(DeviceOutput(i).text) }
            printError("\(items.count) items\(type.map { " of type \($0)" } ?? "")")
        }
    }
}

struct DeviceShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One item: fields, what it holds, its custody history count.")
    @Argument(help: "Item label.") var label: String
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.device/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let out = try DeviceDetail(label, in: store)
            if json { try printJSON(out); return }
            print(out.item.text)
            if let note = out.item.moduleIMEINote { print("module IMEI: \(note)") }
            print("\(out.historyEntries) custody history entries (`custody history \(label)`), \(out.acquisitions) SIM reads")
            if !out.children.isEmpty {
                print("holds \(out.children.count): " + out.children.prefix(20).joined(separator: ", ") + (out.children.count > 20 ? ", …" : ""))
            }
        }
    }
}

struct DeviceFind: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find", abstract: "Find items by label, ICCID, IMSI, IMEI, serial (all or part of it) or words written about them.",
        discussion: """
            Ranked: the label or an identifier equal to TEXT, then starting with it, then containing it (3 characters \
            or more), then items about which every word of TEXT starts a word of their attributes or custody entries \
            (diacritics and case ignored: "nguyen van" finds "Nguyễn Văn"). Exit status 1 when nothing matches.
            """)
    @Argument(help: "Text to look for.") var text: String
    @Option(help: "Print at most N items, the best ranked.") var limit: Int?
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.device.find/1).") var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let found = try inCase { () throws(CaseStoreError) in try ItemSearch(store, text: text, limit: limit) }
            if json {
                try printJSON(found)
            } else {
                for f in found.matches { print("\(f.item.text)\t(matched \(f.matched.joined(separator: ", ")))") }
            }
            if found.matches.isEmpty { throw CustodyFailure("no item matches \"\(text)\" (label, ICCID, IMSI, IMEI, serial, MAC, hostname or words): try fewer characters or other words") }
        }
    }
}
