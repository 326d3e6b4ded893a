import CaseStore
import Ledger

/// A custody event on an item the case holds, as every front end records it: the ledger action
/// and the details its entry carries (the keys docs/LEDGER.md lists per action). The CLI's
/// `custody event …` commands and the desk's forms build one of these; neither writes a details
/// dictionary of its own.
public enum CustodyEvent: Sendable, Hashable {
    case receive(from: String, at: String?)
    case transfer(releasedBy: String, receivedBy: String, purpose: String)
    /// Check-out to examiner `to` for `purpose`, due back on `due` (YYYY-MM-DD) when given.
    case checkOut(to: String, purpose: String, due: String?)
    /// Check-in, to `location` when given (else where it was), with `reason` (its state) when given.
    case checkIn(location: String?, reason: String?)
    /// A move to storage location `to`.
    case move(to: String)
    case seal(number: String)
    case unseal(number: String)
    case note(text: String)

    public var action: LedgerAction {
        switch self {
        case .receive: .custodyReceive
        case .transfer: .custodyTransfer
        case .checkOut: .custodyCheckOut
        case .checkIn: .custodyCheckIn
        case .move: .custodyMove
        case .seal: .custodySeal
        case .unseal: .custodyUnseal
        case .note: .custodyNote
        }
    }

    /// The entry's details as given (a move, check-out or check-in also records what the store
    /// reads in its transaction: where the item was, who held it).
    public var details: [String: String] {
        switch self {
        case .receive(let from, let at): ["from": from, "at": at ?? ""]
        case .transfer(let releasedBy, let receivedBy, let purpose): ["releasedBy": releasedBy, "receivedBy": receivedBy, "purpose": purpose]
        case .checkOut(let to, let purpose, let due): ["to": to, "purpose": purpose, "due": due ?? ""]
        case .checkIn(let location, let reason): ["location": location ?? "", "reason": reason ?? ""]
        case .move(let to): ["to": to]
        case .seal(let number), .unseal(let number): ["seal": number]
        case .note(let text): ["text": text]
        }
    }

    /// Records the event on `label` as a signed ledger entry by `examiner`, with the people who took part.
    public func record(on label: String, in store: CaseStore, by examiner: String,
                       participants: [EventParticipant] = []) throws(WorkbenchError) -> SignedEntry {
        try inCase { () throws(CaseStoreError) in
            switch self {
            case .checkOut(let to, let purpose, let due):
                try store.checkOut(label, to: to, purpose: purpose, due: due, by: examiner, participants: participants)
            case .checkIn(let location, let reason):
                try store.checkIn(label, location: location, reason: reason, by: examiner, participants: participants)
            case .move(let to):
                try store.move(label, to: to, by: examiner, participants: participants)
            default:
                try store.recordEvent(action, label: label, details: details, by: examiner, participants: participants)
            }
        }
    }

    /// The people named by `--participant ROLE=Full Name[,unit]` and `--witness Full Name[,unit]`
    /// (or a form's rows), participants first, each in the order given.
    public static func participants(_ participants: [String], witnesses: [String]) throws(WorkbenchError) -> [EventParticipant] {
        try inCase { () throws(CaseStoreError) in
            var people = [EventParticipant]()
            for option in participants { people.append(try EventParticipant(option: option)) }
            for option in witnesses { people.append(try EventParticipant(option: option, role: .witness)) }
            return people
        }
    }
}

/// The seizure of an item (`custody.seize`): the item is created when the case does not hold it yet.
public struct Seizure: Sendable, Hashable {
    public var label: String
    /// Where, when and from whom it was seized, as written on the seizure record.
    public var place: String
    public var when: String
    public var from: String
    /// The legal authority; nil: the case's.
    public var authority: String?
    /// The type of a new item (phone, sim, bag, exhibit, …).
    public var type: String
    /// The item that contains a new one.
    public var parent: String?
    /// Identifiers of a new item (e.g. IMEI).
    public var identifiers: [String: String]
    /// The people who took part (investigator, witnesses, the person it was seized from, …).
    public var participants: [EventParticipant]

    public init(label: String, place: String, when: String, from: String, authority: String? = nil,
                type: String = "exhibit", parent: String? = nil, identifiers: [String: String] = [:],
                participants: [EventParticipant] = []) {
        self.label = label
        self.place = place
        self.when = when
        self.from = from
        self.authority = authority
        self.type = type
        self.parent = parent
        self.identifiers = identifiers
        self.participants = participants
    }

    /// Identifiers written as `KEY=VALUE` (one per `--identifier`, or per form field).
    public static func identifiers(_ pairs: [String]) throws(WorkbenchError) -> [String: String] {
        var ids = [String: String]()
        for pair in pairs {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, !kv[0].isEmpty, !kv[1].isEmpty else {
                throw WorkbenchError("--identifier \(pair): write it as KEY=VALUE, e.g. IMEI=356938035643809")
            }
            ids[kv[0]] = kv[1]
        }
        return ids
    }

    /// Records the seizure as a signed ledger entry by `examiner`.
    public func record(in store: CaseStore, by examiner: String) throws(WorkbenchError) -> SignedEntry {
        var details = ["where": place, "when": when, "from": from, "authority": authority ?? store.caseRecord.authority, "by": examiner]
        if let parent { details["parent"] = parent }
        return try inCase { () throws(CaseStoreError) in
            try store.recordEvent(.custodySeize, label: label, details: details, by: examiner, newItemType: type,
                                  parent: parent, identifiers: identifiers, participants: participants)
        }
    }
}
