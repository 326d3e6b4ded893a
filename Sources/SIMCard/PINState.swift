/// The state of one PIN or PUK, learned without consuming a try (DESIGN.md, rule 2).
public struct PINState: Codable, Sendable, Hashable {
    /// PIN1, PIN2, PUK1 or PUK2.
    public var name: String
    /// Whether the card asks for this PIN; nil when the card does not say (PUKs, unknown).
    public var enabled: Bool?
    /// Tries left before the PIN (or PUK) blocks; nil when the card does not say.
    public var remainingTries: Int?
    /// True when no tries remain.
    public var blocked: Bool
    /// How the state was learned, e.g. "VERIFY without data: 63C3; FCP PIN status template".
    public var source: String

    public init(name: String, enabled: Bool?, remainingTries: Int?, source: String) {
        self.name = name
        self.enabled = enabled
        self.remainingTries = remainingTries
        self.blocked = remainingTries == 0
        self.source = source
    }

    /// One-line summary for people, e.g. "enabled, 3 tries left".
    public var summary: String {
        var parts: [String] = []
        if let enabled { parts.append(enabled ? "enabled" : "disabled") }
        if blocked { parts.append("BLOCKED") } else if let t = remainingTries { parts.append("\(t) tries left") }
        return parts.isEmpty ? "unknown" : parts.joined(separator: ", ")
    }
}
