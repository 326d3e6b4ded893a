import ArgumentParser
import Workbench

struct Readers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List smart-card readers, whether a card is present, and its ATR.")

    @Flag(help: "Print JSON (schema custody.readers/1).")
    var json = false

    func run() async throws {
        try reportingFailures {
            let listing = try ReaderListing.current()
            if json { return try printJSON(listing) }
            if listing.readers.isEmpty { print("No smart-card readers. Connect a USB reader (check with `pcsc_scan`).") }
            for entry in listing.readers {
                let card = entry.cardPresent ? "card, ATR \(entry.atr ?? "") (\(entry.atrProtocols?.joined(separator: ", ") ?? ""))"
                                             : (entry.mute ? "card present but mute" : "no card")
                print("\(entry.name): \(card)")
                for line in entry.atrDescription ?? [] { print("    \(line)") }
            }
        }
    }
}
