/// The explainable category lexicon (docs/ANALYSIS.md, "Lexicon"). Entries are folded (no
/// diacritics, lower case, teencode expanded) and match whole words of the folded text. An
/// entry weighs 2 when it names the trade on its own ("no hu", "giai ngan", "lam bang") and 1
/// when it only hints at it ("otp", "lai suat", "giay to"). The category with the highest score
/// wins if the score is at least 2; ties go to the earlier category in `CampaignCategory` order.
/// A bank's own OTP notice ("ma otp ... khong chia se") scores 1 and stays `other`; `other`
/// lists no words.
enum Lexicon {
    static let entries: [(category: CampaignCategory, words: [(String, Int)])] = [
        (.gambling, [
            ("game bai", 2), ("gamebai", 2), ("danh bai", 2), ("bai doi thuong", 2), ("doi thuong", 2), ("ca cuoc", 2), ("ca do", 2),
            ("no hu", 2), ("nohu", 2), ("quay hu", 2), ("casino", 2), ("tai xiu", 2), ("taixiu", 2), ("xoc dia", 2), ("lo de", 2),
            ("so de", 2), ("ban ca", 2), ("nha cai", 2), ("keo bong", 2), ("baccarat", 2), ("poker", 2), ("slot", 2), ("jackpot", 2),
            ("cong game", 2), ("nap dau", 1), ("hoan tra", 1), ("rut tien", 1), ("thuong nap", 1), ("khuyen mai", 1),
        ]),
        (.loan, [
            ("vay tien", 2), ("vay von", 2), ("vay nhanh", 2), ("vay tin chap", 2), ("vay online", 2), ("cho vay", 2), ("khoan vay", 2),
            ("ho tro vay", 2), ("giai ngan", 2), ("khong can the chap", 2), ("tin dung", 1), ("lai suat", 1), ("han muc", 1),
            ("cccd", 1), ("cmnd", 1), ("tra gop", 1), ("no xau", 1),
        ]),
        (.fakeDocuments, [
            ("lam bang", 2), ("bang dai hoc", 2), ("bang cap", 2), ("bang tot nghiep", 2), ("phoi bang", 2), ("lam giay to", 2),
            ("lam cccd", 2), ("lam cmnd", 2), ("lam chung minh", 2), ("bang lai xe", 2), ("lam ho so", 2), ("lam chung chi", 2),
            ("cap bang", 2), ("khong can di hoc", 2), ("giay to", 1), ("giay xac nhan", 1),
            ("chung chi", 1), ("bang lai", 1), ("cong chung", 1), ("ho so", 1),
        ]),
        (.phishing, [
            ("tai khoan bi khoa", 2), ("bi tam khoa", 2), ("tam khoa", 2), ("cap nhat thong tin", 2), ("xac thuc tai khoan", 2),
            ("trung thuong", 2), ("nhan qua tri an", 2), ("nang han muc", 2), ("bi cat dien", 2), ("bi khoa", 1), ("xac thuc", 1),
            ("xac minh", 1), ("otp", 1), ("dang nhap", 1), ("mat khau", 1), ("ma xac nhan", 1), ("nhan qua", 1),
        ]),
    ]

    static func categorise(folded: String) -> CategoryDecision {
        let padded = " " + folded + " "
        var best = CategoryDecision(category: .other, words: [], score: 0)
        for (category, words) in entries {
            let found = words.filter { padded.contains(" " + $0.0 + " ") }
            let score = found.reduce(0) { $0 + $1.1 }
            if score > best.score { best = CategoryDecision(category: category, words: found.map(\.0), score: score) }
        }
        return best.score >= 2 ? best : CategoryDecision(category: .other, words: [], score: 0)
    }
}
