/// Vietnamese mobile numbers in E.164 (docs/ANALYSIS.md, "Phone numbers").
enum PhoneNumbers {
    /// The 11-digit mobile prefixes retired in 2018 and their 10-digit replacements, as the Ministry
    /// of Information and Communications decided (Quyết định 798/QĐ-BTTTT, 25 May 2018; the switch
    /// ran from 15 September to 15 November 2018). Keys and values without the leading 0.
    static let oldPrefixes: [String: String] = [
        // Viettel
        "162": "32", "163": "33", "164": "34", "165": "35", "166": "36", "167": "37", "168": "38", "169": "39",
        // MobiFone
        "120": "70", "121": "79", "122": "77", "126": "76", "128": "78",
        // VinaPhone
        "123": "83", "124": "84", "125": "85", "127": "81", "129": "82",
        // Vietnamobile
        "186": "56", "188": "58",
        // Gmobile
        "199": "59",
    ]

    /// First digits of a 9-digit national mobile number since 2018.
    static let mobileLeads: Set<Character> = ["3", "5", "7", "8", "9"]

    /// `+84` and 9 digits for a Vietnamese mobile number written in any of the usual forms
    /// (0912 345 678, 0912.345.678, +84 912 345 678, 84912345678, 01662 345 678), else nil.
    static func e164(_ written: String) -> String? {
        var digits = written.filter(\.isASCIIDigit)
        if written.contains("+") || (digits.hasPrefix("84") && digits.count >= 11) {
            guard digits.hasPrefix("84") else { return nil }
            digits.removeFirst(2)
        } else {
            guard digits.hasPrefix("0") else { return nil }
            digits.removeFirst()
        }
        if digits.count == 10 {
            guard let mapped = oldPrefixes[String(digits.prefix(3))] else { return nil }
            digits = mapped + digits.dropFirst(3)
        }
        guard digits.count == 9, let lead = digits.first, mobileLeads.contains(lead) else { return nil }
        return "+84" + digits
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
