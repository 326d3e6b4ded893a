/// Selecting and reading files over a `SIMChannel` in either dialect.
/// The caller names files; the card's own headers say how to read them.
public struct FileAccess {
    public let channel: SIMChannel
    /// The file being read while a read is under way, so that a read cut short by the card
    /// leaving still records the header and bytes already received.
    public var fileInProgress: FileReading? { progress.reading }
    private let progress = Progress()

    private final class Progress { var reading: FileReading? }

    public init(channel: SIMChannel) { self.channel = channel }

    var dialect: CardDialect { channel.dialect }

    /// SELECT by file id relative to the current DF (UICC: P2=04 asks for the FCP, P2=0C without
    /// `header` for none; a classic SIM always offers its header).
    public func select(_ fid: UInt16, header: Bool = true) throws(SIMChannelError) -> ResponseAPDU {
        try channel.send(CommandAPDU(cla: dialect.classByte, ins: Instruction.select.rawValue, p1: 0x00,
                                     p2: dialect == .uicc ? (header ? 0x04 : 0x0C) : 0x00, data: [UInt8(fid >> 8), UInt8(fid & 0xFF)]))
    }

    /// SELECT an application by AID (UICC only, TS 102 221 §11.1.1.2, P1=04); without
    /// `header` P2=0C asks for no FCP (one APDU on T=0: no GET RESPONSE follows).
    public func selectApplication(_ aid: [UInt8], header: Bool = true) throws(SIMChannelError) -> ResponseAPDU {
        try channel.send(CommandAPDU(cla: 0x00, ins: Instruction.select.rawValue, p1: 0x04, p2: header ? 0x04 : 0x0C, data: aid))
    }

    /// SELECT by path (UICC only, TS 102 221 §8.4.2): from the MF (P1=08, the path without
    /// 3F00) or, with `fromMF` false, from the current DF (P1=09; a path starting 7FFF starts
    /// at the current application). One command reaches a file at any depth.
    public func select(path: [UInt16], fromMF: Bool, header: Bool = true) throws(SIMChannelError) -> ResponseAPDU {
        try channel.send(CommandAPDU(cla: 0x00, ins: Instruction.select.rawValue, p1: fromMF ? 0x08 : 0x09, p2: header ? 0x04 : 0x0C,
                                     data: path.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }))
    }

    /// Selects a path of file ids, stopping at the first that fails; returns the last answer.
    public func select(path: [UInt16]) throws(SIMChannelError) -> ResponseAPDU {
        var last = ResponseAPDU(data: [], status: .ok)
        for fid in path {
            last = try select(fid)
            guard last.status.isSuccess else { return last }
        }
        return last
    }

    /// Selects `fid` in the current DF and reads it whole, as its header says.
    /// Absent and protected files come back as such; only transport faults throw.
    public func readElementaryFile(_ fid: UInt16, name: String, path: String) throws(SIMChannelError) -> FileReading {
        let reading = try readTracked(fid, name: name, path: path)
        progress.reading = nil
        return reading
    }

    /// Reads the file `selected` (the card's answer to the SELECT that just made it current)
    /// whole, as its header says: for a file reached by a path or found by a probe.
    public func readSelectedFile(_ selected: ResponseAPDU, name: String, path: String) throws(SIMChannelError) -> FileReading {
        let reading = try readTracked(selected, name: name, path: path)
        progress.reading = nil
        return reading
    }

    /// Reads a file, keeping `progress` up to date; on a throw it keeps the partial file.
    private func readTracked(_ fid: UInt16, name: String, path: String) throws(SIMChannelError) -> FileReading {
        progress.reading = FileReading(path: path, name: name, status: .interrupted, sw: "")
        return try readTracked(try select(fid), name: name, path: path)
    }

    private func readTracked(_ selected: ResponseAPDU, name: String, path: String) throws(SIMChannelError) -> FileReading {
        var reading = FileReading(path: path, name: name, status: .interrupted, sw: "")
        reading.sw = selected.status.hex
        guard selected.status.isSuccess else {
            reading.status = Self.status(for: selected.status)
            return reading
        }
        reading.header = Hex.string(selected.data)
        progress.reading = reading
        guard let header = try? FileHeader(decoding: selected.data[...], dialect: dialect) else {
            reading.status = .failed
            return reading
        }
        reading.structure = header.structure
        switch header.structure {
        case .transparent:
            return try readTransparent(into: reading, size: header.fileSize ?? 0)
        case .linearFixed, .cyclic:
            return try readRecords(into: reading, length: header.recordLength ?? 0, count: header.recordCount ?? 0)
        default:
            reading.status = .failed
            return reading
        }
    }

    private func readTransparent(into reading: FileReading, size: Int) throws(SIMChannelError) -> FileReading {
        var reading = reading
        var content: [UInt8] = []
        while content.count < size {
            let chunk = min(255, size - content.count)
            let offset = content.count
            let answer = try channel.send(CommandAPDU(cla: dialect.classByte, ins: Instruction.readBinary.rawValue,
                                                      p1: UInt8(offset >> 8), p2: UInt8(offset & 0xFF), le: UInt8(chunk)))
            reading.sw = answer.status.hex
            guard answer.status.isSuccess, !answer.data.isEmpty else {
                reading.status = Self.status(for: answer.status)
                if !content.isEmpty { reading.content = Hex.string(content) }
                return reading
            }
            content += answer.data
            progress.reading?.content = Hex.string(content)
        }
        reading.status = .read
        reading.content = Hex.string(content)
        return reading
    }

    private func readRecords(into reading: FileReading, length: Int, count: Int) throws(SIMChannelError) -> FileReading {
        var reading = reading
        var records: [String] = []
        for number in 1...max(1, count) where count > 0 {
            let answer = try channel.send(CommandAPDU(cla: dialect.classByte, ins: Instruction.readRecord.rawValue,
                                                      p1: UInt8(number), p2: 0x04, le: UInt8(truncatingIfNeeded: length)))
            reading.sw = answer.status.hex
            guard answer.status.isSuccess else {
                reading.status = Self.status(for: answer.status)
                reading.records = records
                return reading
            }
            records.append(Hex.string(answer.data))
            progress.reading?.records = records
        }
        reading.status = .read
        reading.records = records
        return reading
    }

    static func status(for sw: StatusWord) -> FileReading.Status {
        if sw.isSuccess { return .read }
        if sw.isFileNotFound { return .notFound }
        if sw.isSecurityNotSatisfied { return .protected }
        return .failed
    }
}
