/// The bounds on one card's read (docs/ACQUISITION.md "Limits"). A card that never stops
/// answering "more data" or "wrong length", or one so slow it never finishes, ends the read as
/// incomplete with what was read so far, instead of keeping Custody sending forever.
public struct ReadLimits: Sendable, Hashable {
    /// APDUs that may reach the card, GET RESPONSEs and resends included.
    public var apduBudget: Int
    /// Wall-clock time from opening the channel after which no further APDU is sent. An APDU
    /// already in flight may still take up to the transport's own timeout (`--apdu-timeout`).
    public var deadline: Duration

    public init(apduBudget: Int, deadline: Duration) {
        self.apduBudget = apduBudget
        self.deadline = deadline
    }

    /// GET RESPONSEs one command may chain (61xx / 9Fxx after 61xx / 9Fxx). An FCP or a record
    /// fits in one; 16 × 256 bytes is far beyond any answer a SIM gives.
    public static let maximumResponseChain = 16

    /// An ID read costs 14 to 30 APDUs; a full read 147 to 761 on the simulator profiles and
    /// about 2,000 on a card with every modelled file and a few unknown DFs. The budgets leave
    /// a margin of about 10× over the largest; the deadlines are minutes, far above the
    /// seconds a healthy card takes.
    public static func defaults(for scope: AcquisitionScope) -> ReadLimits {
        switch scope {
        case .identity: ReadLimits(apduBudget: 500, deadline: .seconds(60))
        case .full: ReadLimits(apduBudget: 20_000, deadline: .seconds(600))
        }
    }
}

/// Which bound stopped a read, and how far it had gone.
public enum ReadLimit: Sendable, Hashable, CustomStringConvertible {
    /// The APDU budget was spent.
    case apduBudget(Int)
    /// The deadline passed.
    case deadline(Duration)
    /// The card kept answering "more data" (61xx / 9Fxx) to GET RESPONSE.
    case responseChain(getResponses: Int, lastStatus: StatusWord)

    public var description: String {
        switch self {
        case .apduBudget(let budget):
            "the card's APDU budget of \(budget) APDUs is spent (a card looping or far larger than any SIM); what was read is kept; read it again with a larger --apdu-budget if the card is genuinely that large"
        case .deadline(let deadline):
            "the card's deadline of \(Self.seconds(deadline)) s has passed (a card answering very slowly); what was read is kept; read it again with a longer --deadline if the card is merely slow"
        case .responseChain(let count, let status):
            "the card answered \(count) GET RESPONSEs in a row with more data still waiting (\(status.hex)): a card stuck in a loop; what was read is kept; the card is faulty or hostile"
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return attoseconds == 0 ? "\(seconds)" : String(Double(seconds) + Double(attoseconds) / 1e18)
    }
}
