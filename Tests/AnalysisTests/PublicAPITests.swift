import Analysis
import Foundation
import Testing

@Suite struct CategoryContractTests {
    @Test func rawValuesAreTheOutputContract() {
        #expect(CampaignCategory.allCases.map(\.rawValue) == ["gambling", "loan", "fake_documents", "phishing", "other"])
        #expect(IndicatorKind.bankAccount.rawValue == "bank_account")
        #expect(TokenKind.url.token == "<URL>")
    }

    @Test func defaultParametersAreConsistent() {
        let parameters = CampaignParameters()
        #expect(parameters.permutations == parameters.bands * parameters.rows)
        #expect(parameters.similarityThreshold > 0 && parameters.similarityThreshold < 1)
    }
}
