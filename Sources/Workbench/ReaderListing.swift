import ByteText
import PCSC
import SIMCard

/// What `custody readers` shows: every reader, whether a card is in it, and its ATR.
public struct ReaderListing: Codable, Sendable {
    public var schema = "custody.readers/1"
    public var readers: [Entry]

    public struct Entry: Codable, Sendable {
        public var name: String
        public var cardPresent: Bool
        public var mute: Bool
        public var atr: String?
        public var atrProtocols: [String]?
        /// What pcsc-tools' ATR list says about this ATR, when installed.
        public var atrDescription: [String]?
    }

    /// The readers pcscd knows now, sorted by name (`SCardListReaders`, `SCardGetStatusChange`).
    public static func current() throws(WorkbenchError) -> ReaderListing {
        let atrList = ATRList.system
        let states = try withPCSC { () throws(PCSCError) in
            let context = try PCSCContext()
            return try context.states(of: context.readers().sorted())
        }
        return ReaderListing(readers: states.map { state in
            let present = state.cardPresent
            return Entry(name: state.reader, cardPresent: present, mute: state.isMute,
                         atr: present ? Hex.string(state.atr) : nil,
                         atrProtocols: present ? ATRInfo(state.atr).protocols.map { "T=\($0)" } : nil,
                         atrDescription: present ? atrList?.describe(state.atr) : nil)
        })
    }
}
