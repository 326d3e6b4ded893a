/// Semi-octet dialling digits as EF.ADN, EF.FDN, EF.MSISDN, EF.EXT1 and EF.SMSP store them
/// (TS 31.102 §4.4.2.3 table "Extended BCD coding", TS 51.011 §10.5.1 table 12): swapped
/// nibbles, the first digit in the low nibble of the first byte.
///
/// Nibble to character: 0–9 digits, A `*`, B `#`, C `,` (DTMF control digit separator, a
/// pause), D `?` (the "wild" value), E `E` and F ends the number. The specifications call E
/// "RFU – used for expansion": it has no dialling meaning, so it is kept visible as the letter
/// `E` rather than guessed (it is not `+`: an international number is marked by the TON).
public enum DiallingDigits {
    private static let characters: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", ",", "?", "E"]

    /// The characters up to the first F nibble (or the end of `bytes`).
    public static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var text = ""
        for byte in bytes {
            for nibble in [byte & 0x0F, byte >> 4] {
                if nibble == 0x0F { return text }
                text.append(characters[Int(nibble)])
            }
        }
        return text
    }

    /// The packed semi-octets, F-padded to a whole byte; nil when `digits` holds a character
    /// outside `0-9 * # , ? E`.
    public static func encode(_ digits: String) -> [UInt8]? {
        var nibbles: [UInt8] = []
        for character in digits {
            guard let index = characters.firstIndex(of: character) else { return nil }
            nibbles.append(UInt8(index))
        }
        return SwappedBCD.pack(nibbles)
    }
}
