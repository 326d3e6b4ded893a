import Foundation
import SeededRandom

/// Messages shaped like the seizure's traffic (CONTEXT.md: SMS spam for card games and gambling,
/// loans, fake diplomas and documents, phishing), with the campaign each came from as ground
/// truth, for the campaign-analysis benchmark and tests (docs/ANALYSIS.md, "Generator").
///
/// Spam campaigns each have their own wording (an opening, a body and a call to action that no
/// other campaign uses) and their own pool of links, phone numbers, accounts and codes; every
/// message fills the slots with a name, an amount and values from the pool, and applies the
/// senders' tricks at random (obfuscated dots, teencode, dotted or spaced-out words, repeated
/// letters, emoji). Noise: organic notices (bank OTPs and balance changes, deliveries: true
/// near-duplicate clusters too) and ordinary chats (each its own singleton in the ground truth).
///
/// All data is invented: names are common given names, phone numbers and accounts are random
/// digits, hosts are made-up words under the generator's own names. The same count and seed give
/// the same messages.
public struct SeizureMessages: Sendable {
    public struct Message: Sendable {
        public var time: Date
        public var direction: String
        public var from: String
        public var to: String
        public var text: String
        public var status: String
        public var port: Int
        /// "spam-N" (N the campaign), "notice-N" or "chat-ROW": the ground-truth cluster.
        public var truth: String
    }

    public let messages: [Message]

    /// The share of each kind of message.
    public static let spamShare = 0.6
    public static let noticeShare = 0.15

    public init(count: Int, seed: UInt64) {
        var generator = Generator(seed: seed)
        messages = (0..<count).map { generator.message(row: $0 + 1) }
    }

    /// The sender-log CSV of issue 18 (time, direction, from, to, text, status, port): UTF-8, LF, RFC 4180 quoting.
    public func senderLogCSV() -> String {
        var text = "time,direction,from,to,text,status,port\n"
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        for m in messages {
            text += [formatter.string(from: m.time), m.direction, m.from, m.to, Self.quoted(m.text), m.status, String(m.port)].joined(separator: ",") + "\n"
        }
        return text
    }

    /// The ground truth: the CSV's data-row number (1 = the first message) and its cluster.
    public func truthCSV() -> String {
        "row,cluster\n" + messages.enumerated().map { "\($0.offset + 1),\($0.element.truth)\n" }.joined()
    }

    static func quoted(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}

/// The wordings. Slots: {name} {amount} {url} {phone} {code} {account} {bank} {otp}.
enum Wordings {
    static let gambling: [(String, String, String)] = [
        ("Chào {name}!", "Cổng game bài đổi thưởng uy tín nhất 2021, nạp {amount} tặng ngay {amount}.", "Chơi ngay tại {url}"),
        ("🎰 {name} ơi,", "nổ hũ cực khủng mỗi ngày, hoàn trả 1,5% không giới hạn, rút tiền siêu tốc 3 phút.", "Truy cập {url} nhập mã {code}"),
        ("Thông báo:", "Nhà cái casino trực tuyến tặng {amount} cho thành viên mới đăng ký hôm nay, xóc đĩa tài xỉu live 24/7.", "Đăng ký: {url}"),
        ("Anh/chị {name},", "cá cược bóng đá kèo nhà cái tốt nhất, cược thể thao hoàn tiền mỗi trận thua đến {amount}.", "Xem kèo tại {url} hoặc gọi {phone}"),
        ("{name} thân mến,", "bắn cá đổi thưởng ra mắt phiên bản mới, quà tân thủ {amount}, đổi thưởng qua thẻ cào và ngân hàng.", "Tải game: {url}"),
        ("HOT HOT!", "Lô đề online tỷ lệ ăn 1 ăn 99, chốt số miễn phí hàng ngày cùng chuyên gia, nạp tối thiểu {amount}.", "Zalo {phone} hoặc {url}"),
        ("Chúc mừng {name}!", "Bạn nhận được vòng quay may mắn quay hũ jackpot trị giá {amount} tại cổng game slot số 1 Việt Nam.", "Nhận thưởng: {url} code {code}"),
        ("Xin chào,", "game bài online đánh bài tiến lên, phỏm, mậu binh đổi thưởng thật, nạp đầu x2 giá trị lên đến {amount}.", "Link: {url}"),
        ("Ưu đãi tháng này:", "poker và baccarat người thật chia bài, hoàn trả cược 1% mỗi ngày, giao dịch nạp rút an toàn.", "Vào {url} liên hệ {phone}"),
        ("{name} ơi!", "Tài xỉu MD5 minh bạch, thắng bao nhiêu rút bấy nhiêu, thưởng nạp lần đầu {amount}, hỗ trợ 24/24.", "Tham gia {url}"),
        ("🔥", "Khuyến mãi nạp đầu 200%, nổ hũ đổi thưởng, bắn cá, đá gà trực tiếp trên một tài khoản duy nhất.", "Đăng nhập {url} mã mời {code}"),
        ("Gửi {name},", "siêu phẩm quay hũ thần tài vừa ra mắt, jackpot tích lũy đã vượt {amount}, chơi thử miễn phí.", "Tải tại {url}"),
    ]
    static let loan: [(String, String, String)] = [
        ("Chào {name},", "Hỗ trợ vay tiền nhanh chỉ cần CCCD, giải ngân trong 30 phút, không thẩm định, hạn mức đến {amount}.", "Liên hệ Zalo {phone}"),
        ("Cần tiền gấp?", "Vay tín chấp online lãi suất thấp 0,8%/tháng, không cần thế chấp, nợ xấu vẫn hỗ trợ, nhận {amount} ngay.", "Đăng ký {url}"),
        ("{name} ơi,", "bạn được duyệt khoản vay {amount} từ chương trình tín dụng tiêu dùng, giải ngân qua tài khoản ngân hàng.", "Xác nhận tại {url}"),
        ("Thông báo từ tổ chức tài chính:", "cho vay tiêu dùng trả góp hàng tháng, thủ tục đơn giản chỉ cần CMND, duyệt hồ sơ 5 phút.", "Gọi {phone}"),
        ("Vay nhanh 24h:", "hạn mức {amount}, lãi suất ưu đãi, không gọi người thân, giải ngân cả thứ 7 chủ nhật.", "Nhắn tin Zalo {phone} hoặc vào {url}"),
        ("Anh chị {name},", "hỗ trợ vay vốn kinh doanh lên đến {amount}, thời hạn 12 đến 36 tháng, giải ngân trong ngày.", "Chi tiết: {url}"),
        ("Ưu đãi:", "vay online không cần chứng minh thu nhập, app vay uy tín duyệt tự động, nhận tiền sau 15 phút, hạn mức {amount}.", "Tải app {url}"),
        ("Kính gửi {name},", "khoản vay của bạn đã được phê duyệt, vui lòng đóng phí bảo hiểm khoản vay {amount} vào {bank} {account} để giải ngân.", "Hotline {phone}"),
        ("💰", "Cho vay tiền mặt chỉ cần CCCD gắn chip, không thế chấp, lãi suất theo ngày, tất toán trước hạn không phạt.", "LH {phone}"),
        ("Bạn cần vốn?", "Giải ngân thẻ tín dụng, rút tiền mặt thẻ tín dụng phí thấp 1,3%, đáo hạn thẻ tín dụng nhanh.", "Gọi ngay {phone}"),
    ]
    static let fakeDocuments: [(String, String, String)] = [
        ("Chào {name},", "nhận làm bằng đại học, cao đẳng, trung cấp đủ hồ sơ gốc, phôi thật, bao công chứng.", "Zalo {phone}"),
        ("Dịch vụ giấy tờ:", "làm bằng lái xe A1, B2 không cần thi, làm CCCD, hộ khẩu nhanh trong 3 ngày, giá {amount}.", "Liên hệ {phone}"),
        ("{name} ơi,", "cần bằng cấp 3, bằng tốt nghiệp đại học để xin việc? Làm bằng thật có hồ sơ lưu, giao hàng toàn quốc.", "Xem mẫu tại {url}"),
        ("Nhận làm:", "chứng chỉ tiếng Anh IELTS, TOEIC, chứng chỉ tin học, bằng đại học các trường, nhận tiền khi nhận bằng.", "Gọi {phone}"),
        ("Hỗ trợ hồ sơ:", "làm giấy tờ xe, sổ đỏ, giấy khám sức khỏe, bằng lái xe quốc tế, cam kết bảo mật, phí {amount}.", "Zalo {phone} web {url}"),
        ("Kính chào {name},", "dịch vụ làm bằng đại học chính quy, phôi bằng chuẩn của bộ, tra cứu được trên website trường.", "Tư vấn {phone}"),
        ("Cần gấp giấy tờ?", "Làm chứng minh nhân dân, thẻ sinh viên, giấy xác nhận thu nhập, bảng lương để vay ngân hàng.", "Liên hệ Zalo {phone}"),
        ("Thông báo tuyển sinh:", "cấp bằng trung cấp, cao đẳng không cần đi học, học phí trọn gói {amount}, nhận bằng sau 3 tháng.", "Đăng ký tại {url}"),
    ]
    static let phishing: [(String, String, String)] = [
        ("[{bank}]", "Tài khoản của Quý khách bị tạm khóa do đăng nhập bất thường. Vui lòng xác thực tài khoản trong 24h tại", "{url}"),
        ("{bank} thông báo:", "Quý khách cần cập nhật thông tin sinh trắc học trước ngày 01/07 để tránh tài khoản bị khóa. Truy cập", "{url}"),
        ("Chúc mừng {name}!", "Số điện thoại của bạn trúng thưởng {amount} trong chương trình tri ân khách hàng. Nhận quà tại", "{url} mã {code}"),
        ("[Thông báo]", "Thuê bao của quý khách sắp bị khóa 2 chiều do chưa chuẩn hóa thông tin. Cập nhật thông tin tại", "{url} hoặc gọi {phone}"),
        ("{bank}:", "Tài khoản của quý khách đã bị khóa. Để mở khóa vui lòng đăng nhập và nhập mã OTP tại", "{url}"),
        ("Điện lực thông báo:", "quý khách còn nợ tiền điện {amount}, sẽ bị cắt điện trong hôm nay. Thanh toán và xác minh tại", "{url}"),
        ("[{bank}]", "Quý khách được nâng hạn mức thẻ tín dụng lên {amount}. Xác nhận bằng mã OTP tại", "{url}"),
        ("Bưu cục thông báo:", "bưu phẩm của {name} bị giữ lại do sai địa chỉ, phí lưu kho {amount}. Cập nhật thông tin nhận hàng tại", "{url}"),
    ]
    static let notices: [String] = [
        "{bank}: Ma OTP cua Quy khach la {otp}. Ma co hieu luc trong 3 phut. KHONG chia se ma nay voi bat ky ai.",
        "{bank}: TK {account} +{amount} luc {time}. SD: {amount}. ND: chuyen tien",
        "{bank}: TK {account} -{amount} luc {time}. SD: {amount}. ND: thanh toan hoa don",
        "Ma xac thuc dang ky dich vu cua ban la {otp}. Vui long khong cung cap ma cho nguoi khac.",
        "Don hang {code} cua ban dang duoc giao. Shipper se lien he truoc khi giao, vui long de y dien thoai.",
        "Quy khach da nap thanh cong {amount} vao thue bao. Tai khoan chinh con {amount}. Tran trong cam on.",
    ]
    /// The notice each wording belongs to: a balance notice is one notice whether money came in or went out.
    static let noticeGroups = [1, 2, 2, 3, 4, 5]
    static let chatOpenings = ["Anh ơi", "Chị ơi", "Em ơi", "Mẹ ơi", "Bố ơi", "Alo", "Dạ", "Ừ", "Ok", "Này", "Bạn ơi", "{name} ơi", "Hihi", "Uh", "Vâng"]
    static let chatBodies = [
        "tối nay mấy giờ về ăn cơm", "em đến nơi rồi nhé", "mai đi cà phê không", "nhớ mua giúp chai nước mắm", "con đón em lúc 5 giờ",
        "trời mưa to quá không đi được", "gửi cho anh cái ảnh hôm qua với", "đang họp, lát gọi lại", "sinh nhật vui vẻ nhé",
        "cuối tuần về quê không", "bài tập toán làm xong chưa", "hôm nay ăn gì", "xe hỏng rồi, đang ở tiệm sửa", "nhận được tiền chưa",
        "đi đường cẩn thận nhé", "con ngủ chưa", "chiều nay đá bóng không", "đặt bàn lúc 7 giờ rồi", "mai nhớ mang áo mưa",
        "lương về chưa", "ông bà khỏe không", "tắc đường quá", "đang chờ ở cổng trường", "gọi mãi không được", "mua giúp bó rau với",
        "em ốm rồi, nghỉ một hôm", "tuần sau họp lớp đấy", "cho mượn cái sạc với", "đến lượt mình trực rồi", "ăn sáng chưa",
    ]
    static let chatWords = """
        nhà cơm nước trường lớp học bài thi điểm xe máy đường phố chợ rau thịt cá gà trứng sữa bánh mì phở bún cà phê trà đá \
        mưa nắng gió lạnh nóng sáng trưa chiều tối đêm hôm mai qua tuần tháng năm giờ phút sớm muộn nhanh chậm đi về đến ở \
        làm việc công ty sếp họp báo cáo lương thưởng nghỉ phép ốm khỏe bệnh viện thuốc bác sĩ mẹ bố ông bà anh chị em con \
        cháu bạn hàng xóm cô chú dì bác vợ chồng người yêu đám cưới sinh nhật quà hoa bánh kem tiệc nhậu bia karaoke phim \
        bóng đá trận đấu đội tuyển điện thoại sạc pin mạng wifi ảnh video nhạc sách vở bút áo quần giày dép mũ túi ví chìa \
        khóa cửa phòng bếp tủ lạnh máy giặt quạt điều hòa đèn điện nước ga rác dọn dẹp nấu ăn rửa bát giặt phơi đồ chó mèo \
        vui buồn mệt đói no khát ngủ dậy tắm thay đồ chờ đợi gọi nhắn tin gửi nhận mua bán trả vay mượn cho xin cảm ơn \
        xin lỗi nhớ quên biết hiểu thích yêu ghét sợ lo nghĩ nói kể hỏi trả lời đúng sai được rồi chưa đã sẽ đang cũng vẫn \
        còn nữa lắm quá rất hơi thật hay dở đẹp xấu to nhỏ dài ngắn xa gần cao thấp mới cũ đắt rẻ nhiều ít
        """.split(separator: " ").map(String.init)
    static let chatClosings = ["", "nhé", "ạ", "nha", "đấy", "😊", "!", "?", "hihi", "luôn nhé", "nhớ đấy", "cảm ơn nhiều", "ok không", "nhanh lên", "thương"]
    static let names = ["Tuấn", "Hùng", "Lan", "Hương", "Minh", "Trang", "Nam", "Linh", "Dũng", "Hà", "Phương", "Thảo", "Long", "Mai", "Quân", "Hoa", "Đức", "Ngọc", "Sơn", "Yến"]
    static let banks = ["Vietcombank", "VCB", "Techcombank", "MB", "VietinBank", "BIDV", "ACB", "Agribank", "Sacombank", "TPBank", "VPBank"]
    static let tlds = ["com", "net", "vip", "club", "top", "xyz", "online", "live", "fun", "bet", "win", "site"]
    static let syllables = ["go", "88", "vip", "king", "win", "club", "bet", "hu", "fun", "vay", "tien", "nhanh", "pro", "top", "max", "one", "365", "ok", "viet", "sun", "rong", "vang", "bai", "no"]
    static let shorteners = ["bit.ly", "cutt.ly", "tinyurl.com", "rb.gy"]
}

struct Generator {
    var random: SplitMix64
    let campaigns: [Campaign]
    let start = Date(timeIntervalSince1970: 1_609_459_200)  // 2021-01-01 00:00 UTC

    struct Campaign {
        var truth: String
        var wording: String
        var urls: [String]
        var phones: [String]
        var codes: [String]
        var account: (bank: String, number: String)
        var firstDay: Double
        var days: Double
        var weight: Double
    }

    init(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var campaigns = [Campaign]()
        let wordings = [Wordings.gambling, Wordings.loan, Wordings.fakeDocuments, Wordings.phishing].flatMap { $0 }
        for (index, w) in wordings.enumerated() {
            var pool = Campaign(truth: "spam-\(index + 1)", wording: "\(w.0) \(w.1) \(w.2)", urls: [], phones: [], codes: [], account: ("", ""),
                                firstDay: 0, days: 0, weight: 0)
            for _ in 0..<3 {
                let host = (0..<2).map { _ in Wordings.syllables.randomElement(using: &random)! }.joined() + String(Int.random(in: 1...99, using: &random))
                pool.urls.append("\(host).\(Wordings.tlds.randomElement(using: &random)!)")
            }
            pool.urls.append("\(Wordings.shorteners.randomElement(using: &random)!)/\(Self.letters(6, &random))")
            pool.phones = (0..<3).map { _ in Self.mobile(&random) }
            pool.codes = (0..<3).map { _ in Self.letters(3, &random).uppercased() + String(Int.random(in: 10...999, using: &random)) }
            pool.account = (Wordings.banks.randomElement(using: &random)!, Self.digits(Int.random(in: 9...14, using: &random), &random))
            pool.firstDay = Double.random(in: 0...300, using: &random)
            pool.days = Double.random(in: 5...60, using: &random)
            pool.weight = Double.random(in: 0.2...1, using: &random)
            campaigns.append(pool)
        }
        self.campaigns = campaigns
        self.random = random
    }

    static func digits(_ count: Int, _ random: inout SplitMix64) -> String {
        String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
    }

    static func letters(_ count: Int, _ random: inout SplitMix64) -> String {
        String((0..<count).map { _ in "abcdefghijkmnpqrstuvwxyz".randomElement(using: &random)! })
    }

    static func mobile(_ random: inout SplitMix64) -> String {
        ["090", "091", "093", "094", "096", "097", "098", "032", "033", "035", "037", "070", "077", "079", "081", "083", "085", "088"]
            .randomElement(using: &random)! + digits(7, &random)
    }

    mutating func message(row: Int) -> SeizureMessages.Message {
        let roll = Double.random(in: 0..<1, using: &random)
        let port = Int.random(in: 1...384, using: &random)
        let sender = Self.mobile(&random)
        let recipient = Self.mobile(&random)
        if roll < SeizureMessages.spamShare {
            let total = campaigns.reduce(0) { $0 + $1.weight }
            var pick = Double.random(in: 0..<total, using: &random)
            let campaign = campaigns.first { pick -= $0.weight; return pick < 0 } ?? campaigns[campaigns.count - 1]
            let day = campaign.firstDay + Double.random(in: 0..<campaign.days, using: &random)
            let text = disguised(filled(campaign.wording, campaign))
            return .init(time: start.addingTimeInterval(day * 86400), direction: "out", from: sender, to: recipient, text: text,
                         status: ["sent", "delivered", "delivered", "failed"].randomElement(using: &random)!, port: port, truth: campaign.truth)
        }
        let time = start.addingTimeInterval(Double.random(in: 0..<(365 * 86400), using: &random))
        if roll < SeizureMessages.spamShare + SeizureMessages.noticeShare {
            let index = Int.random(in: 0..<Wordings.notices.count, using: &random)
            let text = filled(Wordings.notices[index], campaigns[0])
                .replacingOccurrences(of: "{otp}", with: Self.digits(6, &random))
                .replacingOccurrences(of: "{time}", with: String(format: "%02d:%02d", Int.random(in: 0...23, using: &random), Int.random(in: 0...59, using: &random)))
            return .init(time: time, direction: "in", from: "Notice", to: recipient, text: text, status: "received", port: port,
                         truth: "notice-\(Wordings.noticeGroups[index])")
        }
        // An opening, one everyday phrase and 3 to 12 everyday words in any order, a closing: a small
        // grammar alone would repeat itself at millions of messages, which real chats do not.
        let opening = Wordings.chatOpenings.randomElement(using: &random)!
        let body = Wordings.chatBodies.randomElement(using: &random)!
        let words = (0..<Int.random(in: 3...12, using: &random)).map { _ in Wordings.chatWords.randomElement(using: &random)! }
        let closing = Wordings.chatClosings.randomElement(using: &random)!
        let text = filled("\(opening) \(body) \(words.joined(separator: " ")) \(closing)", campaigns[0]).trimmingCharacters(in: .whitespaces)
        let incoming = Bool.random(using: &random)
        return .init(time: time, direction: incoming ? "in" : "out", from: sender, to: recipient, text: text,
                     status: incoming ? "received" : "delivered", port: port, truth: "chat-\(row)")
    }

    /// The wording with its slots filled from the campaign's pools and fresh names and amounts.
    mutating func filled(_ wording: String, _ campaign: Campaign) -> String {
        var text = wording
        let amounts = ["50k", "100k", "200k", "500k", "1tr", "2tr", "5 triệu", "10 triệu", "50.000đ", "100.000 VNĐ", "1.000.000đ", "20tr", "100 triệu"]
        for (slot, values) in [("{name}", Wordings.names), ("{amount}", amounts), ("{url}", campaign.urls), ("{phone}", campaign.phones),
                               ("{code}", campaign.codes), ("{bank}", [campaign.account.bank]), ("{account}", [campaign.account.number])] {
            while let range = text.range(of: slot) { text.replaceSubrange(range, with: values.randomElement(using: &random)!) }
        }
        return text
    }

    /// The senders' tricks, each applied to about one message in four.
    mutating func disguised(_ text: String) -> String {
        var text = text
        func maybe(_ body: (inout String) -> Void) { if Int.random(in: 0..<4, using: &random) == 0 { body(&text) } }
        maybe { t in
            let dot = [" . ", "[.]", "(.)", " dot "].randomElement(using: &random)!
            for tld in Wordings.tlds where t.contains(".\(tld)") { t = t.replacingOccurrences(of: ".\(tld)", with: "\(dot)\(tld)") }
        }
        maybe { t in
            for (from, to) in [("không", "ko"), ("được", "đc"), ("gì", "j"), ("với", "vs"), ("tài khoản", "tk")] { t = t.replacingOccurrences(of: from, with: to) }
        }
        maybe { t in
            for (from, to) in [("nổ hũ", "n.ổ h.ũ"), ("casino", "c a s i n o"), ("VIP", "V.I.P"), ("game bài", "g.a.m.e bài"), ("vay", "v.a.y")] {
                t = t.replacingOccurrences(of: from, with: to)
            }
        }
        maybe { t in t = t.replacingOccurrences(of: "!", with: "!!!").replacingOccurrences(of: "ngay", with: "ngayyyy") }
        maybe { t in t = ["🔥 ", "💥 ", "🎁 ", "⭐ "].randomElement(using: &random)! + t }
        return text
    }
}
