import Testing
import SIMCard

/// The status-word constructors the simulator uses and the predicates the reader uses agree.
@Suite struct StatusWordTests {
    @Test(arguments: [1, 0x1C, 0xFF, 256])
    func responseBytesAvailableRoundTrips(count: Int) {
        #expect(StatusWord.responseBytesAvailable(count, classic: false).responseBytesAvailable == count)
        #expect(StatusWord.responseBytesAvailable(count, classic: true).responseBytesAvailable == count)
        #expect(StatusWord.responseBytesAvailable(count, classic: true).sw1 == 0x9F)
    }

    @Test func lengthAndTriesRoundTrip() {
        #expect(StatusWord.correctLength(0x0A).correctLength == 0x0A)
        #expect(StatusWord.incorrectP3(0x0A) == StatusWord(0x670A))
        for tries in 0...15 { #expect(StatusWord.triesLeft(tries).remainingTries == tries) }
        #expect(StatusWord(0x9000).remainingTries == nil)
    }
}
