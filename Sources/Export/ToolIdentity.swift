/// The program that wrote an export: named in the court report and in the CASE/UCO graph.
public struct ToolIdentity: Sendable {
    public var name: String
    public var version: String
    /// Build identification, e.g. the commit the binary was built from.
    public var build: String

    public init(name: String, version: String, build: String) {
        self.name = name
        self.version = version
        self.build = build
    }
}
