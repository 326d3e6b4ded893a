import Analysis
import Foundation
import Testing

/// The fixtures are written for the project: hosts, numbers and handles are invented.
@Suite struct IndicatorTests {
    /// `text[start..<end]` in code points of the NFC text, as the Indicator documents.
    func cited(_ text: String, _ indicator: Indicator) -> String {
        let scalars = Array(text.precomposedStringWithCanonicalMapping.unicodeScalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[indicator.start..<indicator.end])
        return String(view)
    }

    @Test func findsURLsAndDomainsWithTheirPlaceInTheText() {
        let text = "Đăng ký ngay tại https://KhuyenMai88.Vip/DangKy?ma=AB1 hoặc gõ khuyenmai88 . vip nhé"
        let found = extractIndicators(text)
        #expect(found.map(\.kind) == [.url, .domain, .url, .domain])
        #expect(found[0].value == "https://khuyenmai88.vip/DangKy?ma=AB1")
        #expect(found[1].value == "khuyenmai88.vip")
        #expect(found[2].value == "http://khuyenmai88.vip")
        #expect(found[2].original == "khuyenmai88 . vip")
        for indicator in found { #expect(cited(text, indicator) == indicator.original) }
    }

    @Test func flagsShorteners() {
        let found = extractIndicators("Xem tại bit.ly/3xYz và www.tinyurl.com/abcd")
        #expect(found.filter { $0.kind == .url }.map(\.shortener) == [true, true])
        #expect(found.filter { $0.kind == .domain }.map(\.value) == ["bit.ly", "tinyurl.com"])
    }

    @Test func findsBankAccountsWithTheBankNamedNearby() {
        let text = "Chuyển phí 500.000đ vào STK 1903 5678 9012 Techcombank hoặc VCB: 0071000123456, chủ TK Nguyen Van A"
        let accounts = extractIndicators(text).filter { $0.kind == .bankAccount }
        #expect(accounts.map(\.value) == ["190356789012", "0071000123456"])
        #expect(accounts.map(\.bank) == ["Techcombank", "Vietcombank"])
        #expect(!extractIndicators(text).contains { $0.value.contains("500000") })
        for indicator in accounts { #expect(cited(text, indicator) == indicator.original) }
    }

    @Test func anAccountWordWithoutABankGivesNoBank() {
        let accounts = extractIndicators("STK 123456789 chủ tài khoản Tran Thi B").filter { $0.kind == .bankAccount }
        #expect(accounts.map(\.value) == ["123456789"])
        #expect(accounts.map(\.bank) == [nil])
    }

    @Test func findsTelegramAndZaloHandles() {
        let found = extractIndicators("Tele @VayNhanh_247 hoặc t.me/HoTroVay, Zalo: 0987 654 321, zalo.me/0912345678, mail hotro@vaynhanh.vip")
        #expect(found.filter { $0.kind == .telegram }.map(\.value) == ["vaynhanh_247", "hotrovay"])
        #expect(found.filter { $0.kind == .zalo }.map(\.value) == ["+84987654321", "+84912345678"])
        #expect(found.filter { $0.kind == .phone }.map(\.value) == ["+84987654321"])
    }

    @Test func ordinaryChatHasNoIndicators() {
        #expect(extractIndicators("Mẹ ơi tối nay con về muộn, 7 giờ mới tan học ạ").isEmpty)
    }
}

@Suite struct LexiconTests {
    @Test func categorisesEachTradeWithTheWordsThatDecided() {
        let gambling = categorise("Cổng game bài đổi thưởng, nổ hũ cực to")
        #expect(gambling.category == .gambling)
        #expect(gambling.words.contains("game bai") && gambling.words.contains("no hu"))
        #expect(categorise("Hỗ trợ vay tiền nhanh, giải ngân trong ngày").category == .loan)
        #expect(categorise("Nhận làm bằng đại học, bằng lái xe").category == .fakeDocuments)
        #expect(categorise("Tài khoản bị khóa, vui lòng xác thực tại đường link").category == .phishing)
        #expect(categorise("TK cua ban bi tam khoa, dang nhap lai").category == .phishing)
    }

    @Test func findsWordsWrittenWithTricks() {
        #expect(categorise("Chơi n.ổ h.ũ ngay").words == ["no hu"])
        #expect(categorise("c a s i n o online").words == ["casino"])
    }

    @Test func aBanksOwnOTPNoticeIsOther() {
        let decision = categorise("Ma OTP cua Quy khach la 123456. KHONG chia se ma nay voi bat ky ai.")
        #expect(decision.category == .other)
        #expect(decision.words.isEmpty)
        #expect(categorise("Mẹ ơi con vay bạn 50k mua sách nhé").category == .other)
    }
}
