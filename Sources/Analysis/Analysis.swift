import Foundation

// The public entry points of the Analysis target (docs/ANALYSIS.md). Pure: Foundation only, no
// store and no I/O; the use cases over the case's messages live in Workbench.

/// The text in its NFC, folded and masked forms, with the masked values.
public func normalise(_ text: String) -> NormalisedText {
    Normaliser.normalise(text)
}

/// Near-duplicate clusters of the messages with at least `parameters.minimumSize` members,
/// largest first. Messages not in a campaign are not listed.
public func findCampaigns(_ messages: [AnalysedMessage], parameters: CampaignParameters = CampaignParameters()) -> [Campaign] {
    Clustering(parameters: parameters).campaigns(messages)
}

/// The clustering step alone, on masked texts (`NormalisedText.masked`): for each text, the index
/// of the first text of its group, or -1 for a text too short to cluster (`minimumShingles`).
/// Texts that are equal share a group. What Scripts/bench-analysis compares with datasketch's
/// MinHashLSH on the same shingles.
public func nearDuplicateGroups(maskedTexts: [String], parameters: CampaignParameters = CampaignParameters()) -> [Int] {
    Clustering(parameters: parameters).groups(maskedTexts)
}

/// The lexicon's category of a text, with the words that decided it.
public func categorise(_ text: String) -> CategoryDecision {
    Lexicon.categorise(folded: Normaliser.normalise(text).folded)
}

/// The indicators in a text, in the order they appear.
public func extractIndicators(_ text: String) -> [Indicator] {
    IndicatorExtractor.extract(text)
}
