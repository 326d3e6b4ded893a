/// The Luhn check digit (ISO/IEC 7812-1 annex B) that ends an ICCID (ITU-T E.118) and an IMEI
/// (3GPP TS 23.003 §6.2.1): from the rightmost digit leftwards, every second digit is doubled
/// (its digits summed), and the check digit brings the total to a multiple of 10.
public enum Luhn {
    /// The check digit to append to `body`, a string of ASCII decimal digits.
    public static func checkDigit(of body: some StringProtocol) -> Int {
        (10 - sum(Array(body.utf8), doublingFirst: true) % 10) % 10
    }

    /// Whether the last digit of `digits` (ASCII decimal digits) is the check digit of the rest.
    public static func isValid(_ digits: some StringProtocol) -> Bool {
        !digits.isEmpty && sum(Array(digits.utf8), doublingFirst: false) % 10 == 0
    }

    /// The Luhn sum from the right; `doublingFirst`: the rightmost digit is doubled (it is the
    /// last of a body, not a check digit).
    static func sum(_ digits: [UInt8], doublingFirst: Bool) -> Int {
        var total = 0
        for (offset, byte) in digits.reversed().enumerated() {
            let digit = Int(byte) - Int(UInt8(ascii: "0"))
            if (offset % 2 == 0) == doublingFirst {
                let doubled = digit * 2
                total += doubled > 9 ? doubled - 9 : doubled
            } else {
                total += digit
            }
        }
        return total
    }
}
