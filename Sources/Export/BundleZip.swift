#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// `custody export --zip`: the bundle folder as one ZIP file (PKWARE APPNOTE 6.3), for mail and
/// media. Entries are stored (no compression: the bytes inside are the bundle's bytes, and any
/// unzip tool gives the folder back exactly), in path order, names in UTF-8 (flag bit 11), with
/// a fixed time stamp (1980-01-01 00:00: times that matter are in the ledger, so equal folders
/// give equal ZIPs). ZIP64 end records are written when the bundle has 65,535 files or more or
/// passes 4 GiB; a single file of 4 GiB or more is refused. `custody verify` reads folders:
/// unzip first. `Exporter` writes it before the bundle folder gets its name and names it right
/// after, so a killed export leaves no ZIP of a bundle that has none.
public enum BundleZip {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The ZIP file `export --zip` writes for the bundle folder `out`: beside it, `out` + `.zip`.
    public static func path(of out: String) -> String { out + ".zip" }

    /// A ZIP written in full under its temporary name `.<name>.zip.partial-<random>` beside
    /// `zip`, locked like a bundle's temporary folder (`BundleWriter`) until it is named or
    /// discarded, so that the next export to the same `--out` removes it if its process was killed.
    public struct Partial: Sendable {
        public let path: String
        public let zip: String
        /// The open file holding the lock; -1 once named or discarded.
        private var lockDescriptor: Int32

        init(path: String, zip: String, lockDescriptor: Int32) { self.path = path; self.zip = zip; self.lockDescriptor = lockDescriptor }

        /// Renames the file to `zip`, which must still not exist, and releases the lock.
        public mutating func name() throws(Failure) {
            guard !FileManager.default.fileExists(atPath: zip) else { throw Failure(description: "\(zip) already exists: Custody never overwrites a bundle; choose another --out") }
            guard rename(path, zip) == 0 else { throw Failure(description: "cannot rename \(path) to \(zip): \(String(cString: strerror(errno)))") }
            unlock()
        }

        /// Removes the file unless it was named, and releases the lock.
        public mutating func discard() {
            guard lockDescriptor >= 0 else { return }
            try? FileManager.default.removeItem(atPath: path)
            unlock()
        }

        private mutating func unlock() {
            if lockDescriptor >= 0 { close(lockDescriptor) }
            lockDescriptor = -1
        }
    }

    /// Writes the folder `bundle` as a ZIP under a temporary name beside `zip` (which must not
    /// exist); `Partial.name()` gives it its name. On failure nothing is left.
    public static func writePartial(bundle: String, for zip: String) throws(Failure) -> Partial {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: zip) else { throw Failure(description: "\(zip) already exists: Custody never overwrites a bundle; choose another name") }
        guard let enumerator = fm.enumerator(atPath: bundle) else { throw Failure(description: "cannot read the bundle folder \(bundle)") }
        var paths = [String]()
        for case let path as String in enumerator {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: bundle + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue { paths.append(path) }
        }
        paths.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let zipURL = URL(fileURLWithPath: zip)
        let path = zipURL.deletingLastPathComponent().appendingPathComponent(BundleWriter.partialPrefix(of: zipURL) + UUID().uuidString.prefix(8).lowercased()).path
        guard fm.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw Failure(description: "cannot create \(path): check the folder exists and is writable")
        }
        let fd = BundleWriter.lock(path)
        var partial = Partial(path: path, zip: zip, lockDescriptor: fd)
        do throws(Failure) {
            guard fd >= 0 else { throw Failure(description: "cannot lock \(path): \(String(cString: strerror(errno)))") }
            defer { try? handle.close() }
            var writer = Writer(handle: handle)
            for p in paths {
                guard let data = fm.contents(atPath: bundle + "/" + p) else { throw Failure(description: "cannot read \(bundle)/\(p)") }
                try writer.add(path: p, data: data)
            }
            try writer.finish()
        } catch {
            try? fm.removeItem(atPath: path)
            partial.discard()
            throw error
        }
        return partial
    }

    /// Appends local entries as they come and the central directory at the end.
    struct Writer {
        let handle: FileHandle
        var offset: UInt64 = 0
        var central = Data()
        var count: UInt64 = 0

        static let utf8Names: UInt16 = 0x0800
        /// 1980-01-01 00:00 in MS-DOS date and time form.
        static let dosTime: UInt16 = 0, dosDate: UInt16 = (0 << 9) | (1 << 5) | 1
        static let max32: UInt64 = 0xFFFF_FFFF

        mutating func add(path: String, data: Data) throws(Failure) {
            guard UInt64(data.count) < Self.max32 else {
                throw Failure(description: "\(path) is 4 GiB or more, too large for a ZIP entry: share the bundle folder instead")
            }
            let name = Data(path.utf8)
            let crc = CRC32.checksum(data)
            var local = Data()
            local.le32(0x0403_4B50); local.le16(20); local.le16(Self.utf8Names); local.le16(0)
            local.le16(Self.dosTime); local.le16(Self.dosDate); local.le32(crc)
            local.le32(UInt32(data.count)); local.le32(UInt32(data.count)); local.le16(UInt16(name.count)); local.le16(0)
            local.append(name)
            // Central record; an offset past 4 GiB goes into a ZIP64 extra field.
            let needs64 = offset >= Self.max32
            var extra = Data()
            if needs64 { extra.le16(0x0001); extra.le16(8); extra.le64(offset) }
            central.le32(0x0201_4B50); central.le16(0x031E); central.le16(needs64 ? 45 : 20); central.le16(Self.utf8Names); central.le16(0)
            central.le16(Self.dosTime); central.le16(Self.dosDate); central.le32(crc)
            central.le32(UInt32(data.count)); central.le32(UInt32(data.count)); central.le16(UInt16(name.count)); central.le16(UInt16(extra.count))
            central.le16(0); central.le16(0); central.le16(0); central.le32(0o100644 << 16)
            central.le32(needs64 ? UInt32(Self.max32) : UInt32(offset))
            central.append(name); central.append(extra)
            try write(local)
            try write(data)
            count += 1
        }

        mutating func finish() throws(Failure) {
            let centralOffset = offset
            try write(central)
            let zip64 = count >= 0xFFFF || centralOffset >= Self.max32 || offset >= Self.max32
            var end = Data()
            if zip64 {
                let record = offset
                end.le32(0x0606_4B50); end.le64(44); end.le16(0x031E); end.le16(45); end.le32(0); end.le32(0)
                end.le64(count); end.le64(count); end.le64(UInt64(central.count)); end.le64(centralOffset)
                end.le32(0x0706_4B50); end.le32(0); end.le64(record); end.le32(1)
            }
            end.le32(0x0605_4B50); end.le16(0); end.le16(0)
            end.le16(zip64 ? 0xFFFF : UInt16(count)); end.le16(zip64 ? 0xFFFF : UInt16(count))
            end.le32(zip64 ? UInt32(Self.max32) : UInt32(central.count)); end.le32(zip64 ? UInt32(Self.max32) : UInt32(centralOffset)); end.le16(0)
            try write(end)
        }

        mutating func write(_ data: Data) throws(Failure) {
            do { try handle.write(contentsOf: data) } catch {
                throw Failure(description: "cannot write the ZIP file: \(error.localizedDescription); check free space")
            }
            offset += UInt64(data.count)
        }
    }
}

/// CRC-32 (ISO 3309, polynomial 0xEDB88320), as ZIP entries carry it.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    static func checksum(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        data.withUnsafeBytes { bytes in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}

extension Data {
    mutating func le16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func le32(_ v: UInt32) { for i in 0..<4 { append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) } }
    mutating func le64(_ v: UInt64) { for i in 0..<8 { append(UInt8((v >> (8 * UInt64(i))) & 0xFF)) } }
}
