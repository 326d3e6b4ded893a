import Ledger

/// The part a person plays in a custody event, as the records (biên bản) name them
/// (docs/CASE-STORE.md, "Participants"). A fixed set: a record prints each role in the case
/// language, and a role no record knows could not be printed.
public enum ParticipantRole: String, CaseIterable, Sendable, Hashable {
    /// Điều tra viên: the investigator who conducts and signs the record.
    case investigator
    /// Kiểm sát viên: the prosecutor who attends.
    case prosecutor
    /// Cán bộ kỹ thuật: the technician who seals, opens or reads.
    case technician
    /// Người chứng kiến: an independent witness.
    case witness
    /// Đương sự: the person the item was seized from, or its owner.
    case owner
    /// Người quản lý: whoever held the item before (a company's manager, a relative).
    case holder
    /// Cán bộ quản lý vật chứng: the evidence store's clerk.
    case clerk
    /// Bên giao: who hands the item over.
    case deliverer
    /// Bên nhận: who receives it.
    case receiver
}

/// A person taking part in a custody event, stored in the entry's payload under
/// `participants` as `{"role", "name", "unit"}`. Names arrive in NFC as all entered text does
/// (`EnteredText`: the command line's arguments typed otherwise are kept in `enteredAs`).
public struct EventParticipant: Sendable, Hashable {
    public var role: ParticipantRole
    public var name: String
    /// The person's unit or address ("Đội 3, PC02"); nil when not given.
    public var unit: String?

    public init(role: ParticipantRole, name: String, unit: String? = nil) {
        self.role = role
        self.name = name
        self.unit = unit
    }

    /// `--participant ROLE=Full Name[,unit]` (`role` nil) or `--witness Full Name[,unit]`
    /// (`role` .witness): the name up to the first comma, the unit after it.
    public init(option: String, role given: ParticipantRole? = nil) throws(CaseStoreError) {
        var person = Substring(option)
        var role = given
        if role == nil {
            let roles = ParticipantRole.allCases.map(\.rawValue).joined(separator: ", ")
            guard let equals = option.firstIndex(of: "=") else {
                throw .invalidInput("--participant \(option): write it as ROLE=Full Name[,unit], ROLE one of \(roles)")
            }
            let word = option[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            guard let known = ParticipantRole(rawValue: word) else {
                throw .invalidInput("--participant \(option): unknown role \"\(word)\"; use one of \(roles)")
            }
            role = known
            person = option[option.index(after: equals)...]
        }
        let parts = person.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts[0].trimmingCharacters(in: .whitespaces)
        let unit = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        guard !name.isEmpty else {
            throw .invalidInput("\(given == nil ? "--participant" : "--witness") \(option): the person's full name is missing; write ROLE=Full Name[,unit]")
        }
        self.init(role: role!, name: name, unit: unit.isEmpty ? nil : unit)
    }

    /// As the entry's payload holds it.
    public var canonical: CanonicalJSON {
        var members: [String: CanonicalJSON] = ["role": .string(role.rawValue), "name": .string(name)]
        if let unit { members["unit"] = .string(unit) }
        return .object(members)
    }

    /// The participants an entry's payload records (none when it has no `participants`; a
    /// member with an unknown role or no name is skipped: entries are never refused on read).
    public static func recorded(in payload: [String: CanonicalJSON]) -> [EventParticipant] {
        (payload["participants"]?.arrayValue ?? []).compactMap { member in
            guard let fields = member.objectValue, let role = fields["role"]?.stringValue.flatMap(ParticipantRole.init(rawValue:)),
                  let name = fields["name"]?.stringValue else { return nil }
            return EventParticipant(role: role, name: name, unit: fields["unit"]?.stringValue)
        }
    }
}
