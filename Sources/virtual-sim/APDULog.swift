import ByteText
import Foundation
import SIMCard
#if canImport(Glibc)
import Glibc
#endif

/// One JSON line per APDU, flushed per line (docs/CARD-PROFILES.md, "APDU log").
/// Written only from the vpcd loop thread.
final class APDULog {
    private let file: UnsafeMutablePointer<FILE>
    private var seq = 0

    init(path: String) throws(ProfileError) {
        guard let f = fopen(path, "a") else {
            throw ProfileError("log \(path): \(String(cString: strerror(errno)))")
        }
        file = f
    }

    deinit { fclose(file) }

    static func timestamp() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var t = tv.tv_sec
        var tm = tm()
        gmtime_r(&t, &tm)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                      Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1, Int(tm.tm_mday),
                      Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec), Int(tv.tv_usec / 1000))
    }

    /// `response` nil: the card did not answer (fault). Otherwise the bytes sent back.
    func write(command: [UInt8], response: [UInt8]?, writeClass: Bool, fault: String?) {
        seq += 1
        var fields: [(String, String)] = [
            ("time", JSON.string(Self.timestamp())),
            ("seq", "\(seq)"),
            ("command", JSON.string(Hex.string(command))),
        ]
        if let r = response, r.count >= 2 {
            fields.append(("response", JSON.string(Hex.string(r.dropLast(2)))))
            fields.append(("sw", JSON.string(Hex.string(r.suffix(2)))))
        } else if let r = response {
            fields.append(("response", JSON.string(Hex.string(r))))
            fields.append(("sw", "null"))
        } else {
            fields.append(("response", "null"))
            fields.append(("sw", "null"))
        }
        fields.append(("writeClass", "\(writeClass)"))
        if let fault { fields.append(("fault", JSON.string(fault))) }
        fputs(JSON.object(fields) + "\n", file)
        fflush(file)
    }
}
