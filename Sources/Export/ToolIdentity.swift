/// The program that wrote an export: named in the court report and as the instrument of every
/// investigative action in the CASE/UCO graph.
public struct ToolIdentity: Sendable, Hashable {
    public var name: String
    public var version: String
    /// Which build of that version (`custody` gives the SHA-256 of its executable); empty when unknown.
    public var build: String

    public init(name: String, version: String, build: String) {
        self.name = name
        self.version = version
        self.build = build
    }
}
