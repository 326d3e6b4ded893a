import PCSC
import SIMCard
import Testing
import Workbench

@Suite struct ReaderChoiceTests {
    let readers = ["Virtual PCD 00 00", "Virtual PCD 00 01", "ACS ACR39U ICC Reader 01 00"]

    @Test func anExactNameWinsOverPartsOfOthers() throws {
        #expect(try ReaderChoice.match("Virtual PCD 00 00", among: readers) == "Virtual PCD 00 00")
    }

    @Test func aUniquePartMatchesWhateverItsCase() throws {
        #expect(try ReaderChoice.match("acr39", among: readers) == "ACS ACR39U ICC Reader 01 00")
        #expect(try ReaderChoice.match("00 01", among: readers) == "Virtual PCD 00 01")
    }

    @Test func anAmbiguousOrUnknownNameIsOneLineListingTheReaders() {
        #expect(throws: WorkbenchError(#"reader "virtual" matches 2 readers: readers are "Virtual PCD 00 00", "Virtual PCD 00 01", "ACS ACR39U ICC Reader 01 00" (see `custody readers`)"#)) {
            try ReaderChoice.match("virtual", among: readers)
        }
        #expect(throws: WorkbenchError(#"reader "omnikey" not found: readers are "Virtual PCD 00 00", "Virtual PCD 00 01", "ACS ACR39U ICC Reader 01 00" (see `custody readers`)"#)) {
            try ReaderChoice.match("omnikey", among: readers)
        }
    }

    @Test func examinerLimitsReplaceTheScopesDefaults() {
        #expect(ReadLimits(.full, apduBudget: nil, deadlineSeconds: nil) == .defaults(for: .full))
        let set = ReadLimits(.identity, apduBudget: 40, deadlineSeconds: 1.5)
        #expect(set.apduBudget == 40)
        #expect(set.deadline == .milliseconds(1500))
    }
}

/// Front ends print a Workbench error as is; PC/SC failures become the same lines `custody` has always printed.
@Suite struct WorkbenchErrorTests {
    @Test func pcscFailuresBecomeOneActionableLine() {
        #expect(WorkbenchError(PCSCError(function: "SCardEstablishContext", code: .noService) as any Error)?.message
                == "pcscd is not running (SCardEstablishContext: SCARD_E_NO_SERVICE): start it with `pcscd -f` or run Scripts/setup")
        #expect(WorkbenchError(PCSCError(function: "SCardListReaders", code: .noReadersAvailable) as any Error)?.message
                == "no smart-card reader found: connect a USB reader (check with `pcsc_scan`) or start the virtual rig with Scripts/rig start")
    }

    @Test func otherErrorsAreNotWorkbenchsToWord() {
        struct Elsewhere: Error {}
        #expect(WorkbenchError(Elsewhere()) == nil)
    }
}
