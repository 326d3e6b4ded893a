import ByteText
import Crypto
import Export
import Foundation

extension ToolIdentity {
    /// Custody's version, as `custody --version` prints it and records name the tool.
    public static let custodyVersion = "0.1.0"

    /// This program, as the CLI and the desk name it.
    public static var custody: ToolIdentity { .running(name: "custody", version: custodyVersion) }

    /// The running program as exports name it: `name` and `version`, and as build the SHA-256 of
    /// its executable (`/proc/self/exe`), so a report says exactly which binary made it; an
    /// empty build when the executable cannot be read.
    public static func running(name: String, version: String) -> ToolIdentity {
        let binary = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/self/exe"), options: .alwaysMapped)).map {
            "sha256:" + Hex.lowercase(SHA256.hash(data: $0))
        }
        return ToolIdentity(name: name, version: version, build: binary ?? "")
    }
}
