import Foundation
import SIMCard
import Testing

@Suite struct ICCIDRunsTests {
    /// `body` plus its Luhn check digit, as an ICCID.
    func iccid(_ body: String) throws -> ICCID { try ICCID(digits: body + String(Luhn.checkDigit(of: body))) }

    /// 19-digit MobiFone ICCIDs (E.118 prefix 898401) with serials `serials` (12 digits).
    func mobifone(_ serials: [Int]) throws -> [ICCID] {
        try serials.map { try iccid("898401" + String(repeating: "0", count: 12 - String($0).count) + String($0)) }
    }

    @Test func consecutiveSerialsFormOneRunAcrossTheCheckDigit() throws {
        // 9 → 10 → 11 changes the check digit's neighbours: the run counts serials, not whole ICCIDs.
        let cards = try mobifone([11, 9, 10, 12])
        let runs = ICCIDRuns.find(cards)
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(run.prefix == "898401" && run.issuer?.issuer == "MOBIFONE CORPORATION (MOBIFONE)")
        #expect(run.count == 4 && run.digitCount == 19)
        #expect(run.first == cards[1].digits && run.last == cards[3].digits)
        #expect(run.members == [1, 2, 0, 3], "positions in the list given, in serial order")
        #expect(run.gaps.isEmpty && run.missing == 0 && run.luhnInvalid == 0)
    }

    @Test func gapsUpToMaxGapStayInTheRunAndAreListedWithTheirCheckDigits() throws {
        let cards = try mobifone([100, 101, 104, 105, 120])
        #expect(ICCIDRuns.find(cards, maxGap: 0).map(\.count) == [2, 2], "strictly consecutive: 100-101 and 104-105")
        let runs = ICCIDRuns.find(cards, maxGap: 2)
        #expect(runs.map(\.count) == [4], "104 is 2 serials after 101; 120 is 14 after 105 and alone")
        let run = try #require(runs.first)
        #expect(run.gaps == [ICCIDRun.Gap(first: try iccid("898401000000000102").digits, last: try iccid("898401000000000103").digits, count: 2)])
        #expect(run.missing == 2)
        #expect(ICCIDRuns.find(cards, maxGap: 15).first?.missing == 16)
        #expect(ICCIDRuns.find(cards, maxGap: 2, minimumSize: 1).map(\.count) == [4, 1])
    }

    @Test func issuersAndLengthsNeverShareARun() throws {
        let mobi = try iccid("898401000000000500")
        let vnpt = try iccid("898402000000000501")
        let twenty = try iccid("8984010000000000501")   // 20 digits, one serial after mobi's in value
        let next = try iccid("898401000000000501")
        let runs = ICCIDRuns.find([mobi, vnpt, twenty, next])
        #expect(runs.count == 1)
        #expect(runs.first?.members == [0, 3])
        #expect(ICCIDRuns.find([twenty, try iccid("8984010000000000502")]).first?.digitCount == 20)
    }

    @Test func anUnlistedIssuerCountsAfterItsFirstSixDigits() throws {
        let cards = [try iccid("899999000000000007"), try iccid("899999000000000008")]
        let run = try #require(ICCIDRuns.find(cards).first)
        #expect(run.issuer == nil && run.prefix == "899999" && run.count == 2)
    }

    @Test func aCardFailingLuhnKeepsItsPlaceAndIsCounted() throws {
        let good = try iccid("898401000000000700")
        let bad = try ICCID(digits: "898401000000000701" + String((Luhn.checkDigit(of: "898401000000000701") + 1) % 10))
        let run = try #require(ICCIDRuns.find([good, bad]).first)
        #expect(run.count == 2 && run.luhnInvalid == 1 && run.last == bad.digits)
        // The same serial with two check digits (a misprinted card and a good one): both members, no gap.
        let twin = try iccid("898401000000000701")
        let again = try #require(ICCIDRuns.find([good, bad, twin]).first)
        #expect(again.count == 3 && again.missing == 0)
    }

    @Test func largestRunsComeFirst() throws {
        let small = try mobifone([1, 2])
        let large = try mobifone([50, 51, 52])
        #expect(ICCIDRuns.find(small + large).map(\.count) == [3, 2])
        #expect(ICCIDRuns.find([]).isEmpty)
    }
}
