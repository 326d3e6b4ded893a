import ByteText
import Foundation
import SIMCard
import Testing

extension EndToEnd {
/// Issue 13: a full read takes every file the card shows (measured against the profile's own
/// tree), and the ID read sends no command it does not need.
@Suite struct CoverageEndToEndTests {
    /// One EF of a profile, with where the acquisition must record it.
    struct ProfileEF {
        var path: String
        /// `always` when the card lets it be read now, else what it needs (`pin1`, `pin2`, `adm`, `never`).
        var read: String
        var bytes: String
        var records: Bool
    }

    /// Every EF in the profile's tree, its path as the acquisition names it (`3F00/7F20/6F07`,
    /// `ADF.USIM/5FC0/4F01`), its read condition and its bytes as the card holds them.
    static func elementaryFiles(profilePath: String) throws -> [ProfileEF] {
        let profile = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: profilePath))) as! [String: Any]
        // A file behind PIN1 reads like any other while PIN1 is disabled.
        let pin1Disabled = ((profile["pins"] as? [String: Any])?["pin1"] as? [String: Any])?["enabled"] as? Bool == false
        var found: [ProfileEF] = []
        func visit(_ node: [String: Any], path: String) {
            for child in node["children"] as? [[String: Any]] ?? [] {
                let type = child["type"] as! String
                if type == "adf" {
                    let kind = ApplicationTemplate(aid: Hex.bytes(child["aid"] as! String)!).kind
                    visit(child, path: kind == .usim ? "ADF.USIM" : kind == .isim ? "ADF.ISIM" : "ADF.\(child["aid"] as! String)")
                    continue
                }
                let childPath = "\(path)/\(child["fid"] as! String)"
                let read = child["read"] as? String ?? "always"
                let condition = read == "pin1" && pin1Disabled ? "always" : read
                if type == "df" { visit(child, path: childPath); continue }
                if let records = child["records"] as? [String] {
                    let length = child["recordLength"] as! Int
                    let padded = records.map { $0 + String(repeating: "FF", count: length - $0.count / 2) }
                    found.append(ProfileEF(path: childPath, read: condition, bytes: padded.joined(separator: ","), records: true))
                } else {
                    found.append(ProfileEF(path: childPath, read: condition, bytes: child["contents"] as! String, records: false))
                }
            }
        }
        visit(profile["mf"] as! [String: Any], path: "3F00")
        return found
    }

    static let withheldNames = Set([SIMFileTree.masterFile, SIMFileTree.usim, SIMFileTree.isim].flatMap { directory in
        func names(_ d: DirectorySpec) -> [String] { d.withheld.map(\.name) + d.directories.flatMap(names) }
        return names(directory)
    })

    /// `custody sim read --full --json` on `reader`, which must exit 0.
    static func fullRead(_ rig: Rig, _ reader: Rig.Reader) throws -> SIMAcquisition {
        let output = try rig.run("custody", ["sim", "read", "--reader", reader.name, "--full", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        return try JSONDecoder().decode(SIMAcquisition.self, from: Data(output.stdout.utf8))
    }

    @Test func theRichUICCIsReadWhole() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "usim-iccid20")
        try rig.control(reader, "reset-stats")
        let acquisition = try Self.fullRead(rig, reader)
        let onCard = try Self.elementaryFiles(profilePath: reader.profilePath)
        var readable = 0
        for ef in onCard {
            let file = try #require(acquisition.files.first { $0.path == ef.path }, "\(ef.path) is on the card but not in the acquisition")
            if Self.withheldNames.contains(file.name) {
                #expect(file.status == .withheld, "\(ef.path)")
                #expect(file.content == nil && file.records == nil, "\(ef.path): a secret is never read")
            } else if ef.read == "always" {
                readable += 1
                #expect(file.status == .read, "\(ef.path): \(file.status) \(file.sw)")
                #expect((ef.records ? file.records?.joined(separator: ",") : file.content) == ef.bytes, "\(ef.path): the bytes as on the card")
            } else {
                #expect(file.status == .protected, "\(ef.path) needs \(ef.read)")
            }
        }
        let coverage = try #require(acquisition.summary?.coverage)
        #expect(coverage.filesFound == onCard.count, "every file the card holds is found, and no other")
        #expect(coverage.filesRead == readable)
        #expect(coverage.filesNotInModel == 5, "MF 2FF0, DF.GSM 6F0A, DF 7F66's two EFs, ADF.USIM 6F01")
        #expect(Set(coverage.notRead.map(\.status)) == [.protected, .withheld])
        let impu = try #require(acquisition.files.first { $0.path == "ADF.ISIM/6F04" })
        #expect(String(decoding: try JSONEncoder().encode(impu.decoded), as: UTF8.self).contains("tel:+84921000042"), "ISIM EF.IMPU is decoded")
        let stats = try rig.stats(reader)
        #expect(stats.writeClassAPDUs == 0 && stats.pinTriesConsumed == 0 && stats.pinPresentations == 0)
        #expect(stats.apdus == acquisition.apduCount)

        let second = try Self.fullRead(rig, reader)
        #expect(second.contentSHA256 == acquisition.contentSHA256, "the walk, probe included, is repeatable")

        let text = try rig.run("custody", ["sim", "read", "--reader", reader.name, "--full"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Coverage         \(coverage.filesFound) files found, \(coverage.filesRead) read (5 not in the model, read raw)"), "\(text.stdout)")
        #expect(text.stdout.contains("Not read         EF.ACL (ADF.USIM/6F57): the card requires a PIN (or ADM) to read it (6982)"))
    }

    @Test func aClassicSIMIsNotProbedOnceItsHeadersCountsAreMet() throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: "classic-viettel")
        let acquisition = try Self.fullRead(rig, reader)
        let onCard = try Self.elementaryFiles(profilePath: reader.profilePath)
        #expect(acquisition.summary?.coverage?.filesFound == onCard.count)
        #expect(acquisition.summary?.coverage?.filesNotInModel == 0)
        func ids(_ d: DirectorySpec) -> [UInt16] { d.files.map(\.fid) + d.withheld.map(\.fid) + d.directories.compactMap(\.fid) + d.directories.flatMap(ids) }
        let modelled = Set(ids(SIMFileTree.masterFile) + [0x3F00])
        let selected = acquisition.transcript.entries.map(\.command).filter { $0.hasPrefix("A0A4") }.map { UInt16($0.suffix(4), radix: 16)! }
        #expect(selected.allSatisfy(modelled.contains), "the DF headers' file counts are met by the model: nothing to probe")
    }

    /// A dual-mode UICC (it answers class A0 too): a classic STATUS of each DF below the MF
    /// gives its child counts, which end the probe there; a UICC-only card is asked once.
    @Test func aDualModeUICCIsProbedOnlyUntilItsDirectoriesCountsAreMet() throws {
        let rig = try Rig.running()
        let dual = try rig.reader(profile: "usim-dual-classic")
        try rig.control(dual, "reset-stats")
        let acquisition = try Self.fullRead(rig, dual)
        #expect(acquisition.summary?.coverage?.filesFound == (try Self.elementaryFiles(profilePath: dual.profilePath)).count, "every file still found")
        let commands = acquisition.transcript.entries.map(\.command)
        let statuses = acquisition.transcript.entries.filter { $0.command.hasPrefix("A0") }
        #expect(!statuses.isEmpty && statuses.allSatisfy { $0.command == "A0F2000016" && $0.sw == "9000" }, "\(statuses.map(\.command))")
        func ids(_ d: DirectorySpec) -> [UInt16] { d.files.map(\.fid) + d.withheld.map(\.fid) + d.directories.compactMap(\.fid) }
        let modelled = Set(ids(SIMFileTree.masterFile))
        let probedInMF = commands.filter { $0.hasPrefix("00A4000") }.compactMap { UInt16($0.suffix(4), radix: 16) }
            .filter { id in !modelled.contains(id) && SIMFileTree.masterFile.probe.contains { $0.contains(id) } }
        #expect(probedInMF.isEmpty, "the MF's counts are met by the model: its windows are not probed")
        let stats = try rig.stats(dual)
        #expect(stats.writeClassAPDUs == 0 && stats.pinTriesConsumed == 0 && stats.apdus == acquisition.apduCount)

        let other = try Self.fullRead(rig, try rig.reader(profile: "usim-mobifone"))
        #expect(other.transcript.entries.filter { $0.command.hasPrefix("A0") }.map { "\($0.command) \($0.sw ?? "")" } == ["A0F2000016 6E00"])
    }

    /// The ID read's cost per card type (docs/BENCHMARKS.md): every header of a file read is
    /// kept, nothing else is asked twice.
    @Test(arguments: SIMReadEndToEndTests.profiles)
    func theIDReadSendsOnlyWhatItNeeds(profile: String) throws {
        let rig = try Rig.running()
        let reader = try rig.reader(profile: profile)
        let (output, identity) = try rig.readIdentity(reader)
        #expect(output.status == 0)
        let dirRecords = identity.files.first { $0.path == "3F00/2F00" }?.records?.count ?? 0
        let getResponse = identity.transcript.entries.contains { $0.command.dropFirst(2).hasPrefix("C0") }
        let expected = switch (identity.cardType, getResponse) {
        // class-00 probe (6E00), MF + header, EF.ICCID, DF.GSM + header, EF.IMSI, EF.AD (each
        // EF: SELECT, GET RESPONSE, READ BINARY)
        case (.classicSIM?, _): 1 + 2 + 3 + 2 + 3 + 3
        // EF.ICCID by path + FCP + READ, EF.DIR + FCP + records, ADF.USIM + FCP, 4 PIN queries,
        // EF.IMSI and EF.AD (SELECT, FCP, READ)
        case (_, true): 3 + 2 + dirRecords + 2 + 4 + 3 + 3
        // T=1: the same without GET RESPONSE
        default: 2 + 1 + dirRecords + 1 + 4 + 2 + 2
        }
        #expect(identity.apduCount == expected, "\(profile): \(identity.transcript.entries.map(\.command))")
        #expect(identity.files.filter { $0.status == .read }.allSatisfy { $0.header != nil })
    }
}
}
