import ByteText

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

    /// STATUS in class A0 (TS 51.011 §9.2.2): the current DF's classic header, its first
    /// `length` bytes (22: through the GSM-specific data, TS 51.011 §9.2.1). On a UICC only a
    /// dual-mode card answers it; the others answer 6E00.
    public func classicStatus(length: UInt8 = 22) throws(SIMChannelError) -> ResponseAPDU {
        try channel.send(CommandAPDU(cla: CardDialect.classicSIM.classByte, ins: Instruction.status.rawValue, p1: 0x00, p2: 0x00, le: length))
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
        finished(try readTracked(fid, name: name, path: path))
    }

    /// Reads the file `selected` (the card's answer to the SELECT that just made it current)
    /// whole, as its header says: for a file reached by a path or found by a probe.
    public func readSelectedFile(_ selected: ResponseAPDU, name: String, path: String) throws(SIMChannelError) -> FileReading {
        finished(try readTracked(selected, name: name, path: path))
    }

    /// A file read to its end, however it is reached: one with anomalies is `failed`.
    private func finished(_ reading: FileReading) -> FileReading {
        progress.reading = nil
        var reading = reading
        if reading.anomalies != nil { reading.status = .failed }
        return reading
    }

    /// Reads a file, keeping `progress` up to date; on a throw it keeps the partial file.
    /// Answers that contradict the header or carry a warning are anomalies on the file
    /// (`FileReading.anomalies`): the bytes are kept and the file's status is `failed`.
    private func readTracked(_ fid: UInt16, name: String, path: String) throws(SIMChannelError) -> FileReading {
        progress.reading = FileReading(path: path, name: name, status: .interrupted, sw: "")
        return try readTracked(try select(fid), name: name, path: path)
    }

    private func readTracked(_ selected: ResponseAPDU, name: String, path: String) throws(SIMChannelError) -> FileReading {
        var reading = FileReading(path: path, name: name, status: .interrupted, sw: "")
        reading.sw = selected.status.hex
        guard selected.status.isSuccess else {
            reading.status = Self.status(for: selected.status)
            if !selected.data.isEmpty { reading.header = Hex.string(selected.data) }
            if selected.status.isWarning { reading.flag("SELECT answered the warning \(selected.status.hex)") }
            return reading
        }
        reading.header = Hex.string(selected.data)
        progress.reading = reading
        if selected.status.isWarning { reading.flag("SELECT answered the warning \(selected.status.hex)") }
        let header: FileHeader
        do throws(DecodeError) {
            header = try FileHeader(decoding: selected.data[...], dialect: dialect)
        } catch {
            reading.flag("header does not decode: \(error)")
            return reading
        }
        reading.structure = header.structure
        reading.status = .read
        switch header.structure {
        case .transparent:
            guard let size = header.fileSize else {
                reading.flag("header of a transparent file gives no file size")
                return reading
            }
            return try readTransparent(into: reading, size: size)
        case .linearFixed, .cyclic:
            guard let length = header.recordLength, let count = header.recordCount else {
                reading.flag("header of a record file gives no record length or count")
                return reading
            }
            return try readRecords(into: reading, length: length, count: count)
        default:
            reading.flag("header gives the structure \(header.structure.rawValue) where an elementary file was selected")
            return reading
        }
    }

    /// READ BINARY addresses offsets 0 to 7FFF (P1 bit 8 set means an SFI).
    static let maximumBinaryOffset = 0x7FFF
    /// READ BINARY asks for at most this many bytes at a time.
    static let binaryChunk = 255
    /// READ RECORD numbers records 01 to FE (00 is the current record, FF is reserved).
    static let maximumRecordNumber = 0xFE

    /// Reads `size` bytes in chunks; the first answer that is short, long, empty, a warning or
    /// an error ends the read of the file, keeping every byte received.
    private func readTransparent(into reading: FileReading, size: Int) throws(SIMChannelError) -> FileReading {
        var reading = reading
        var content: [UInt8] = []
        while content.count < size {
            let offset = content.count
            guard offset <= Self.maximumBinaryOffset else {
                reading.flag("header gives \(size) bytes; READ BINARY addresses only offsets up to \(Self.maximumBinaryOffset), \(offset) bytes read")
                break
            }
            let asked = min(Self.binaryChunk, size - offset)
            let answer = try channel.send(CommandAPDU(cla: dialect.classByte, ins: Instruction.readBinary.rawValue,
                                                      p1: UInt8(offset >> 8), p2: UInt8(offset & 0xFF), le: UInt8(asked)))
            reading.sw = answer.status.hex
            content += answer.data
            progress.reading?.content = Hex.string(content)
            let at = "READ BINARY at offset \(offset) (\(asked) bytes asked)"
            if answer.status.isWarning {
                reading.flag("\(at) answered the warning \(answer.status.hex) with \(answer.data.count) bytes")
                break
            }
            guard answer.status.isSuccess else {
                if offset == 0, answer.data.isEmpty {
                    // Nothing read: the status word says why (absent, protected, error).
                    reading.status = Self.status(for: answer.status)
                    return reading
                }
                reading.flag("\(at) answered \(answer.status.hex) with \(answer.data.count) bytes: read stopped at \(content.count) of \(size) bytes")
                break
            }
            if answer.data.count != asked {
                reading.flag("\(at) answered \(answer.status.hex) with \(answer.data.count) bytes")
                break
            }
        }
        if content.count != size {
            reading.flag("content is \(content.count) bytes, header gives \(size)")
        }
        if !content.isEmpty { reading.content = Hex.string(content) }
        return reading
    }

    /// Reads records 1 to `count`, each of `length` bytes. A record of another length is kept
    /// and flagged; a warning or error status word ends the read, keeping the records before.
    private func readRecords(into reading: FileReading, length: Int, count: Int) throws(SIMChannelError) -> FileReading {
        var reading = reading
        var records: [String] = []
        reading.records = records
        guard count > 0 else {
            reading.flag("header gives 0 records")
            return reading
        }
        guard (1...256).contains(length) else {
            reading.flag("header gives a record length of \(length) bytes; READ RECORD reads 1 to 256")
            return reading
        }
        if count > Self.maximumRecordNumber {
            reading.flag("header gives \(count) records; READ RECORD numbers only 1 to \(Self.maximumRecordNumber), the rest are not read")
        }
        for number in 1...min(count, Self.maximumRecordNumber) {
            let answer = try channel.send(CommandAPDU(cla: dialect.classByte, ins: Instruction.readRecord.rawValue,
                                                      p1: UInt8(number), p2: 0x04, le: UInt8(truncatingIfNeeded: length)))
            reading.sw = answer.status.hex
            let record = "READ RECORD \(number) of \(count)"
            if answer.status.isWarning || !answer.status.isSuccess {
                if !answer.data.isEmpty { records.append(Hex.string(answer.data)) }
                if number == 1, answer.data.isEmpty, !answer.status.isWarning {
                    // Nothing read: the status word says why (absent, protected, error).
                    reading.status = Self.status(for: answer.status)
                } else {
                    reading.flag("\(record) answered \(answer.status.hex) with \(answer.data.count) bytes: read stopped after \(records.count) records")
                }
                reading.records = records
                return reading
            }
            records.append(Hex.string(answer.data))
            progress.reading?.records = records
            if answer.data.count != length {
                reading.flag("\(record) is \(answer.data.count) bytes, header gives \(length)")
            }
        }
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
