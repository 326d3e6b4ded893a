import ArgumentParser
import ByteText
import PCSC
import SIMCard

struct Readers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List smart-card readers, whether a card is present, and its ATR.")

    @Flag(help: "Print JSON (schema custody.readers/1).")
    var json = false

    struct Listing: Codable {
        var schema = "custody.readers/1"
        var readers: [Entry]
    }

    struct Entry: Codable {
        var name: String
        var cardPresent: Bool
        var mute: Bool
        var atr: String?
        var atrProtocols: [String]?
        /// What pcsc-tools' ATR list says about this ATR, when installed.
        var atrDescription: [String]?
    }

    func run() async throws {
        try reportingFailures {
            let context = try PCSCContext()
            let atrList = ATRList.system
            let entries = try context.states(of: context.readers().sorted()).map { state in
                let present = state.cardPresent
                return Entry(name: state.reader, cardPresent: present, mute: state.isMute,
                             atr: present ? Hex.string(state.atr) : nil,
                             atrProtocols: present ? ATRInfo(state.atr).protocols.map { "T=\($0)" } : nil,
                             atrDescription: present ? atrList?.describe(state.atr) : nil)
            }
            if json { return try printJSON(Listing(readers: entries)) }
            if entries.isEmpty { print("No smart-card readers. Connect a USB reader (check with `pcsc_scan`).") }
            for entry in entries {
                let card = entry.cardPresent ? "card, ATR \(entry.atr ?? "") (\(entry.atrProtocols?.joined(separator: ", ") ?? ""))"
                                             : (entry.mute ? "card present but mute" : "no card")
                print("\(entry.name): \(card)")
                for line in entry.atrDescription ?? [] { print("    \(line)") }
            }
        }
    }
}
