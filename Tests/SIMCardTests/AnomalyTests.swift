import ByteText
import Testing
@testable import SIMCard

/// A card answering through a function of the command (T=1 style: SELECT answers its header
/// with 9000), for answers a script cannot list (hundreds of reads).
final class AnsweringTransport: CardTransport {
    let answer: ([UInt8]) -> String
    private(set) var received: [[UInt8]] = []

    init(_ answer: @escaping ([UInt8]) -> String) { self.answer = answer }

    func transmit(_ command: [UInt8]) throws -> [UInt8] {
        received.append(command)
        return hex(answer(command))
    }
}

/// No silent empty read (item 3 of issue 13): every answer that contradicts the file's header
/// or carries a warning is an anomaly on the file, with the bytes kept.
@Suite struct AnomalyTests {
    /// FCP of a transparent EF 2FE2 of `size` bytes.
    static func transparentFCP(size: Int) -> String {
        "620C82024121" + "83022FE2" + "8002" + Hex.string([UInt8(size >> 8), UInt8(size & 0xFF)])
    }

    /// FCP of a linear fixed EF 6F3C of `count` records of `length` bytes.
    static func recordFCP(length: Int, count: Int) -> String {
        "620B82054221" + Hex.string([UInt8(length >> 8), UInt8(length & 0xFF), UInt8(count)]) + "83026F3C"
    }

    func read(_ steps: [(String, String)], fid: UInt16 = 0x2FE2) throws -> FileReading {
        try FileAccess(channel: SIMChannel(transport: ScriptedTransport(steps))).readElementaryFile(fid, name: "EF.X", path: "3F00/X")
    }

    @Test func soundReadHasNoAnomaly() throws {
        let file = try read([("00A40004022FE2", Self.transparentFCP(size: 3) + "9000"), ("00B0000003", "0102039000")])
        #expect(file.status == .read)
        #expect(file.anomalies == nil)
        #expect(file.content == "010203")
    }

    /// The silent empty read of the issue: 9000 and no data used to be a good read of nothing.
    @Test func successWithNoDataIsAnAnomaly() throws {
        let file = try read([("00A40004022FE2", Self.transparentFCP(size: 10) + "9000"), ("00B000000A", "9000")])
        #expect(file.status == .failed)
        #expect(file.content == nil)
        #expect(file.anomalies == ["READ BINARY at offset 0 (10 bytes asked) answered 9000 with 0 bytes", "content is 0 bytes, header gives 10"])
    }

    /// A file reached by a path SELECT or a probe (the ID read's EF.ICCID) is read by
    /// `readSelectedFile`: its anomalies make it `failed` just the same.
    @Test func fileReachedByItsSelectAnswerIsFailedWithAnomalies() throws {
        let access = FileAccess(channel: SIMChannel(transport: ScriptedTransport([("00B000000A", "9000")])))
        let selected = ResponseAPDU(data: hex(Self.transparentFCP(size: 10)), status: .ok)
        let file = try access.readSelectedFile(selected, name: "EF.ICCID", path: "3F00/2FE2")
        #expect(file.status == .failed)
        #expect(file.anomalies?.first == "READ BINARY at offset 0 (10 bytes asked) answered 9000 with 0 bytes")
    }

    @Test(arguments: ["9240", "6282", "6281", "9201", "6300"])
    func warningStatusIsAnAnomalyKeepingTheBytes(sw: String) throws {
        let file = try read([("00A40004022FE2", Self.transparentFCP(size: 10) + "9000"), ("00B000000A", "0102030405" + sw)])
        #expect(file.status == .failed)
        #expect(file.content == "0102030405", "the bytes the card gave are kept")
        #expect(file.anomalies?.first == "READ BINARY at offset 0 (10 bytes asked) answered the warning \(sw) with 5 bytes")
        #expect(file.sw == sw)
    }

    @Test func shorterOrLongerThanAskedIsAnAnomaly() throws {
        let short = try read([("00A40004022FE2", Self.transparentFCP(size: 4) + "9000"), ("00B0000004", "01029000")])
        #expect(short.status == .failed)
        #expect(short.content == "0102")
        #expect(short.anomalies?.contains("content is 2 bytes, header gives 4") == true)
        let long = try read([("00A40004022FE2", Self.transparentFCP(size: 2) + "9000"), ("00B0000002", "010203049000")])
        #expect(long.status == .failed)
        #expect(long.content == "01020304", "extra bytes are evidence too")
        #expect(long.anomalies?.contains("content is 4 bytes, header gives 2") == true)
    }

    @Test func errorAfterTheFirstChunkIsAnAnomaly() throws {
        let first = Array(repeating: "AB", count: 255).joined()
        let file = try read([("00A40004022FE2", Self.transparentFCP(size: 300) + "9000"), ("00B00000FF", first + "9000"),
                             ("00B000FF2D", "6B00")])
        #expect(file.status == .failed)
        #expect(file.contentBytes?.count == 255)
        #expect(file.anomalies?.first == "READ BINARY at offset 255 (45 bytes asked) answered 6B00 with 0 bytes: read stopped at 255 of 300 bytes")
    }

    @Test func protectedFileIsNotAnAnomaly() throws {
        let file = try read([("00A40004022FE2", Self.transparentFCP(size: 9) + "9000"), ("00B0000009", "6982")])
        #expect(file.status == .protected)
        #expect(file.anomalies == nil)
    }

    @Test func zeroRecordsIsAnAnomaly() throws {
        let file = try read([("00A40004026F3C", Self.recordFCP(length: 4, count: 0) + "9000")], fid: 0x6F3C)
        #expect(file.status == .failed)
        #expect(file.records == [])
        #expect(file.anomalies == ["header gives 0 records"])
    }

    @Test func recordOfAnotherLengthIsKeptAndFlagged() throws {
        let file = try read([("00A40004026F3C", Self.recordFCP(length: 4, count: 3) + "9000"), ("00B2010404", "010203049000"),
                             ("00B2020404", "0102039000"), ("00B2030404", "0A0B0C0D9000")], fid: 0x6F3C)
        #expect(file.status == .failed)
        #expect(file.records == ["01020304", "010203", "0A0B0C0D"], "every record is kept, the odd one too")
        #expect(file.anomalies == ["READ RECORD 2 of 3 is 3 bytes, header gives 4"])
    }

    @Test func recordNotFoundBeforeTheHeadersCountIsAnAnomaly() throws {
        let file = try read([("00A40004026F3C", Self.recordFCP(length: 2, count: 3) + "9000"), ("00B2010402", "01029000"),
                             ("00B2020402", "6A83")], fid: 0x6F3C)
        #expect(file.status == .failed)
        #expect(file.records == ["0102"])
        #expect(file.anomalies == ["READ RECORD 2 of 3 answered 6A83 with 0 bytes: read stopped after 1 records"])
    }

    @Test func headerThatDoesNotDecodeIsAnAnomaly() throws {
        let file = try read([("00A40004022FE2", "A5A5A59000")])
        #expect(file.status == .failed)
        #expect(file.header == "A5A5A5", "the raw header is kept")
        #expect(file.anomalies?.first?.hasPrefix("header does not decode: ") == true)
    }

    /// 65535 bytes: READ BINARY reaches offset 7FFF at most (P1 bit 8 would name an SFI).
    @Test func absurdFileSizeStopsAtTheLastAddressableOffset() throws {
        let transport = AnsweringTransport { command in
            command[1] == 0xA4 ? Self.transparentFCP(size: 0xFFFF) + "9000" : String(repeating: "00", count: Int(command[4])) + "9000"
        }
        let file = try FileAccess(channel: SIMChannel(transport: transport)).readElementaryFile(0x2FE2, name: "EF.X", path: "3F00/X")
        #expect(transport.received.allSatisfy { $0[1] != 0xB0 || $0[2] & 0x80 == 0 }, "no READ BINARY with P1 bit 8 set")
        #expect(transport.received.count == 1 + 129)
        #expect(file.status == .failed)
        #expect(file.contentBytes?.count == 129 * 255)
        #expect(file.anomalies?.first?.hasPrefix("header gives 65535 bytes; READ BINARY addresses only offsets up to 32767") == true)
    }

    /// A classic header with 1-byte records over 600 bytes: 600 records, more than READ RECORD
    /// can number (this used to trap converting the record number to a byte).
    @Test func moreRecordsThanReadRecordNumbersAreFlagged() throws {
        // 600 bytes, EF 6F3A, access conditions, status, 2 more bytes: linear fixed, record length 1.
        let header = "00000258" + "6F3A" + "0400" + "110055" + "01" + "02" + "01" + "01"
        let transport = AnsweringTransport { command in command[1] == 0xA4 ? header + "9000" : "019000" }
        let channel = SIMChannel(transport: transport, dialect: .classicSIM)
        let file = try FileAccess(channel: channel).readElementaryFile(0x6F3A, name: "EF.X", path: "3F00/X")
        #expect(file.records?.count == FileAccess.maximumRecordNumber)
        #expect(file.status == .failed)
        #expect(file.anomalies == ["header gives 600 records; READ RECORD numbers only 1 to 254, the rest are not read"])
    }

    @Test(arguments: [0, 300])
    func recordLengthOutsideOneTo256IsAnAnomaly(length: Int) throws {
        let file = try read([("00A40004026F3C", Self.recordFCP(length: length, count: 2) + "9000")], fid: 0x6F3C)
        #expect(file.status == .failed)
        #expect(file.anomalies == ["header gives a record length of \(length) bytes; READ RECORD reads 1 to 256"])
    }

    /// A limit reached inside a file keeps what arrived, as a card pulled there would.
    @Test func budgetSpentMidFileKeepsThePartialFile() {
        let transport = AnsweringTransport { command in
            command[1] == 0xA4 ? Self.transparentFCP(size: 600) + "9000" : String(repeating: "11", count: Int(command[4])) + "9000"
        }
        let files = FileAccess(channel: SIMChannel(transport: transport, limits: ReadLimits(apduBudget: 3, deadline: .seconds(60))))
        #expect(throws: SIMChannelError.self) { _ = try files.readElementaryFile(0x2FE2, name: "EF.X", path: "3F00/X") }
        #expect(files.fileInProgress?.status == .interrupted)
        #expect(files.fileInProgress?.contentBytes?.count == 510, "SELECT and two chunks of 255 bytes were within the budget")
    }

    @Test func anomaliesStayOutOfTheContentHash() {
        var file = FileReading(path: "3F00/2FE2", name: "EF.ICCID", status: .failed, sw: "9000", header: "62", content: "01")
        let before = SIMReader.contentHash(files: [file], pins: [])
        file.anomalies = ["content is 1 bytes, header gives 10"]
        #expect(SIMReader.contentHash(files: [file], pins: []) == before)
    }
}
