import Testing
import SIMCard

/// The one Luhn implementation (ICCID and IMEI), against worked examples.
@Suite struct LuhnTests {
    @Test(arguments: [
        // ISO/IEC 7812-1 annex B's example: 7992739871 → 3.
        ("7992739871", 3),
        // The IMEIs of the registry tests: 35693803564380 → 9, 49015420323751 → 8.
        ("35693803564380", 9),
        ("49015420323751", 8),
        // An ICCID body (ICCIDTests.workedVector): 898401234567890123 → 4.
        ("898401234567890123", 4),
        ("0", 0),
    ])
    func checkDigit(body: String, digit: Int) {
        #expect(Luhn.checkDigit(of: body) == digit)
        #expect(Luhn.isValid(body + String(digit)))
        #expect(!Luhn.isValid(body + String((digit + 1) % 10)))
    }

    @Test func emptyIsNotValid() {
        #expect(!Luhn.isValid(""))
    }
}
