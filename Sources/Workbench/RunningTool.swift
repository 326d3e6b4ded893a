import ByteText
import Crypto
import Export
import Foundation

extension ToolIdentity {
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
