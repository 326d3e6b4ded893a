import Analysis
import Foundation
import Testing

@Suite struct NormalisationTests {
    @Test func foldsDiacriticsAndCase() {
        let text = normalise("Đường ĐI Được ĐẸP lắm")
        #expect(text.folded == "duong di duoc dep lam")
        #expect(text.nfc == "Đường ĐI Được ĐẸP lắm")
    }

    @Test func composesDecomposedInput() {
        let decomposed = "Vie\u{0302}\u{0323}t Nam"  // e, circumflex, dot below
        let text = normalise(decomposed)
        #expect(text.nfc == "Việt Nam")
        #expect(text.nfc.unicodeScalars.count == 8)
        #expect(text.folded == "viet nam")
    }

    @Test func expandsTeencode() {
        #expect(normalise("ko dc j đâu, đc ko").folded == "khong duoc gi dau duoc khong")
    }

    @Test func undoesSpacingTricks() {
        #expect(normalise("Chơi n.ổ h.ũ V.I.P").folded == "choi no hu vip")
        #expect(normalise("c a s i n o uy tín").folded == "casino uy tin")
        #expect(normalise("Chàooooo bạnnnnn").folded == "chao ban")
        #expect(normalise("làm CCCD").folded == "lam cccd")
    }

    @Test func masksValuesIntoTypedTokens() {
        let text = normalise("Nạp 500k tại abc . com, gọi 0912 345 678, mã KM2021, còn 3 suất, @hotro_vip")
        #expect(text.masked == "nap <MONEY> tai <URL> goi <PHONE> ma <CODE> con <NUM> suat <HANDLE>")
        #expect(text.values == [
            MaskedValue(kind: .money, value: "500000 VND"), MaskedValue(kind: .url, value: "http://abc.com"),
            MaskedValue(kind: .phone, value: "+84912345678"), MaskedValue(kind: .code, value: "km2021"),
            MaskedValue(kind: .number, value: "3"), MaskedValue(kind: .handle, value: "@hotro_vip"),
        ])
    }

    @Test func undoesURLObfuscation() {
        for written in ["vaongay[.]vip", "vaongay(.)vip", "vaongay . vip", "vaongay dot vip", "vaongay chấm vip", "VAONGAY.VIP"] {
            #expect(normalise("vào \(written) nhé").values == [MaskedValue(kind: .url, value: "http://vaongay.vip")], "\(written)")
        }
        #expect(normalise("bit.ly/abc và t.me/kenh").values.map(\.value) == ["http://bit.ly/abc", "http://t.me/kenh"])
    }

    @Test func leavesSentencesThatLookLikeHostsAlone() {
        #expect(normalise("Chị ơi.Có nhà không").values.isEmpty)
        #expect(normalise("Về nhà. Mẹ gọi").values.isEmpty)
    }

    @Test func readsVietnameseAmounts() {
        let values = normalise("1.500.000đ, 1,5tr, 2 triệu, 300 nghìn, 10 tỷ, $20").values.map(\.value)
        #expect(values == ["1500000 VND", "1500000 VND", "2000000 VND", "300000 VND", "10000000000 VND", "20 USD"])
    }

    @Test func templatesWithDifferentValuesShareOneMaskedForm() {
        let first = normalise("Nạp 100k nhận 200k tại win88.vip, hotline 0903 111 222")
        let second = normalise("Nạp 2tr nhận 4 triệu tại thang99[.]club, hotline 0388.444.555")
        #expect(first.masked == second.masked)
        #expect(first.values != second.values)
    }
}

@Suite struct PhoneNumberTests {
    func phone(_ written: String) -> String? {
        extractIndicators(written).first { $0.kind == .phone }?.value
    }

    @Test func writesMobileNumbersInE164() {
        #expect(phone("gọi 0912345678") == "+84912345678")
        #expect(phone("gọi 0912.345.678") == "+84912345678")
        #expect(phone("gọi 0912-345-678") == "+84912345678")
        #expect(phone("gọi +84 912 345 678") == "+84912345678")
        #expect(phone("gọi 84912345678") == "+84912345678")
    }

    /// Quyết định 798/QĐ-BTTTT (2018): the retired 11-digit prefixes.
    @Test func mapsTheOldElevenDigitPrefixes() {
        #expect(phone("0162 345 6789") == "+84323456789")
        #expect(phone("01699876543") == "+84399876543")
        #expect(phone("01201234567") == "+84701234567")
        #expect(phone("01211234567") == "+84791234567")
        #expect(phone("01221234567") == "+84771234567")
        #expect(phone("01261234567") == "+84761234567")
        #expect(phone("01281234567") == "+84781234567")
        #expect(phone("01231234567") == "+84831234567")
        #expect(phone("01241234567") == "+84841234567")
        #expect(phone("01251234567") == "+84851234567")
        #expect(phone("01271234567") == "+84811234567")
        #expect(phone("01291234567") == "+84821234567")
        #expect(phone("01861234567") == "+84561234567")
        #expect(phone("01881234567") == "+84581234567")
        #expect(phone("01991234567") == "+84591234567")
        #expect(phone("+84 162 345 6789") == "+84323456789")
    }

    @Test func refusesWhatIsNotAMobileNumber() {
        #expect(phone("mã 0112345678") == nil)  // no mobile network starts 01 with 10 digits
        #expect(phone("số 0212345678") == nil)  // 02x is a landline area
        #expect(phone("01301234567") == nil)  // 0130 was never a mobile prefix
        #expect(phone("12345678901") == nil)
    }
}
