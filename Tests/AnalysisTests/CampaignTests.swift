import Analysis
import Foundation
import SeizureMessages
import Testing

/// Fixtures written for the project: three spam wordings sent with varying names, amounts, links
/// and numbers and with the senders' tricks, a wording sent only twice, and ordinary chats.
enum CampaignFixtures {
    static let gambling = [
        "Chào anh Tuấn! Cổng game bài đổi thưởng uy tín, nạp 100k tặng 100k, chơi ngay tại thang88.vip",
        "Chào chị Lan! Cổng game bài đổi thưởng uy tín, nạp 500k tặng 500k, chơi ngay tại thang88[.]vip",
        "Chào anh Minh!!! Cổng g.a.m.e bài đổi thưởng uy tín, nạp 1tr tặng 1tr, chơi ngay tại vip99 . club",
        "🔥 Chào chị Hà! Cổng game bài đổi thưởng uy tín, nạp 200k tặng 200k, chơi ngay tại bit.ly/thang88",
    ]
    static let loan = [
        "Hỗ trợ vay tiền nhanh chỉ cần CCCD, giải ngân trong 30 phút, hạn mức 50 triệu. Liên hệ Zalo 0912 345 678",
        "Hỗ trợ vay tiền nhanh chỉ cần CCCD, giải ngân trong 15 phút, hạn mức 20 triệu. Liên hệ Zalo 0388.111.222",
        "Hỗ trợ v.a.y tiền nhanh chỉ cần CCCD, giải ngân trong 30 phút, hạn mức 100 triệu. Liên hệ Zalo 0977 000 111",
    ]
    static let phishing = [
        "[VCB] Tài khoản của Quý khách bị tạm khóa do đăng nhập bất thường. Vui lòng xác thực trong 24h tại vcb-xacthuc.com",
        "[VCB] Tai khoan cua Quy khach bi tam khoa do dang nhap bat thuong. Vui long xac thuc trong 24h tai vcb-hotro.net",
        "[VCB] Tài khoản của Quý khách bị tạm khóa do đăng nhập bất thường. Vui lòng xác thực trong 12h tại vcbank(.)top",
    ]
    static let sentTwice = [
        "Nhận làm bằng đại học, cao đẳng đủ hồ sơ gốc, bao công chứng, liên hệ 0901 222 333",
        "Nhận làm bằng đại học, cao đẳng đủ hồ sơ gốc, bao công chứng, liên hệ 0902 444 555",
    ]
    static let chats = [
        "Mẹ ơi tối nay con về muộn nhé", "Anh đến chưa, em chờ ở cổng trường", "Mai đi cà phê không", "ok em", "ok em", "ok em",
        "ok em", "Dạ vâng ạ", "Dạ vâng ạ", "Dạ vâng ạ", "Chúc mừng sinh nhật em gái, tuổi mới thật nhiều niềm vui nhé",
        "Chiều nay họp lớp lúc 5 giờ ở quán cũ, nhớ đến đúng giờ", "Con ăn cơm chưa, bố gửi tiền học rồi đấy",
        "Trời mưa to quá, anh đón em muộn một chút", "Cuối tuần này cả nhà về quê thăm ông bà", "Xe hỏng rồi, đang ở tiệm sửa gần chợ",
        "Nhớ mua giúp mẹ bó rau muống với chai nước mắm", "Bài tập toán làm xong chưa, cho tớ mượn vở với",
        "Hôm nay lương về rồi, tối đi ăn lẩu không", "Em ốm rồi, xin nghỉ một hôm nhé chị",
    ]

    static var messages: [(text: String, truth: String)] {
        gambling.map { ($0, "gambling") } + chats.prefix(7).map { ($0, "chat") } + loan.map { ($0, "loan") } + sentTwice.map { ($0, "twice") }
            + chats.dropFirst(7).map { ($0, "chat") } + phishing.map { ($0, "phishing") }
    }
}

@Suite struct CampaignTests {
    let start = Date(timeIntervalSince1970: 1_625_097_600)  // 2021-07-01

    func analysed() -> [AnalysedMessage] {
        CampaignFixtures.messages.enumerated().map { AnalysedMessage(id: 1000 + $0.offset, text: $0.element.text, time: start.addingTimeInterval(Double($0.offset) * 3600)) }
    }

    @Test func groupsEachWordingIntoOneCampaignAndLeavesChatsOut() {
        let messages = analysed()
        let campaigns = findCampaigns(messages)
        let truth = Dictionary(uniqueKeysWithValues: zip(messages.map(\.id), CampaignFixtures.messages.map(\.truth)))
        #expect(campaigns.map { Set($0.memberIDs.map { truth[$0]! }) } == [["gambling"], ["loan"], ["phishing"]])
        #expect(campaigns.map(\.size) == [4, 3, 3])
        #expect(campaigns.map(\.number) == [1, 2, 3])
        #expect(campaigns.map(\.category) == [.gambling, .loan, .phishing])
        let clustered = Set(campaigns.flatMap(\.memberIDs))
        #expect(messages.filter { truth[$0.id] == "chat" || truth[$0.id] == "twice" }.allSatisfy { !clustered.contains($0.id) })
    }

    @Test func describesACampaign() throws {
        let messages = analysed()
        let gambling = try #require(findCampaigns(messages).first)
        #expect(gambling.memberIDs == [1000, 1001, 1002, 1003])
        #expect(gambling.firstTime == start)
        #expect(gambling.lastTime == start.addingTimeInterval(3 * 3600))
        #expect(gambling.categoryWords.contains("game bai"))
        #expect(gambling.template.contains("<URL>") && gambling.template.contains("<MONEY>"))
        #expect(gambling.representativeText == CampaignFixtures.gambling.first { $0 == messages.first { $0.id == gambling.representativeID }?.text })
        let urls = try #require(gambling.variableParts.first { $0.kind == .url })
        // "thang88.vip" and "thang88[.]vip" are one value once the obfuscation is undone.
        #expect(urls.distinctValues == 3)
        #expect(urls.values.first == ValueCount(value: "http://thang88.vip", count: 2))
        #expect(Set(urls.values.map(\.value)) == ["http://thang88.vip", "http://vip99.club", "http://bit.ly/thang88"])
        let money = try #require(gambling.variableParts.first { $0.kind == .money })
        #expect(money.values.first == ValueCount(value: "100000 VND", count: 2))
    }

    @Test func minimumSizeDecidesWhatIsACampaign() {
        let messages = analysed()
        var parameters = CampaignParameters()
        parameters.minimumSize = 2
        let campaigns = findCampaigns(messages, parameters: parameters)
        #expect(campaigns.count == 4)
        #expect(campaigns.last?.category == .fakeDocuments)
        parameters.minimumSize = 4
        #expect(findCampaigns(messages, parameters: parameters).map(\.size) == [4])
    }

    @Test func theSameInputGivesTheSameCampaigns() {
        let messages = analysed()
        #expect(findCampaigns(messages) == findCampaigns(messages))
        // Equal sizes are ordered by their first member in the input, so only the order may change.
        #expect(Set(findCampaigns(messages.reversed()).map { Set($0.memberIDs) }) == Set(findCampaigns(messages).map { Set($0.memberIDs) }))
    }

    /// B-cubed precision and recall (Bagga and Baldwin 1998) over the generator's spam and
    /// notices, and no chat in a campaign with spam.
    @Test func matchesTheGeneratorsGroundTruth() {
        let generated = SeizureMessages(count: 4000, seed: 42).messages
        let messages = generated.enumerated().map { AnalysedMessage(id: $0.offset, text: $0.element.text, time: $0.element.time) }
        let campaigns = findCampaigns(messages)
        var campaignOf = [Int: Int]()
        for campaign in campaigns { for id in campaign.memberIDs { campaignOf[id] = campaign.number } }
        var membersOfTruth = [String: Set<Int>]()
        for (index, message) in generated.enumerated() { membersOfTruth[message.truth, default: []].insert(index) }
        var precision = 0.0, recall = 0.0, counted = 0
        for (index, message) in generated.enumerated() where !message.truth.hasPrefix("chat") {
            counted += 1
            let truth = membersOfTruth[message.truth]!
            let cluster: Set<Int> = campaignOf[index].map { number in Set(campaigns[number - 1].memberIDs) } ?? [index]
            let shared = Double(cluster.intersection(truth).count)
            precision += shared / Double(cluster.count)
            recall += shared / Double(truth.count)
        }
        #expect(precision / Double(counted) > 0.97)
        #expect(recall / Double(counted) > 0.9)
        for campaign in campaigns {
            let truths = Set(campaign.memberIDs.map { generated[$0].truth.hasPrefix("chat") ? "chat" : generated[$0].truth })
            #expect(!(truths.contains("chat") && truths.contains { $0.hasPrefix("spam") }), "campaign \(campaign.number) mixes chats and spam")
        }
    }
}
