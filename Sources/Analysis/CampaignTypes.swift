import Foundation

/// What a campaign advertises, decided by the lexicon (docs/ANALYSIS.md, "Lexicon"). The raw
/// values are the output contract of `custody campaigns --json`.
public enum CampaignCategory: String, Codable, Sendable, CaseIterable {
    case gambling
    case loan
    case fakeDocuments = "fake_documents"
    case phishing
    case other
}

/// The parameters of the near-duplicate clustering; the defaults are the documented ones
/// (docs/ANALYSIS.md, "Parameters", says why each has its value).
public struct CampaignParameters: Codable, Sendable, Equatable {
    /// Characters per shingle of the masked text (a token such as `<URL>` counts as one).
    public var shingleSize: Int
    /// MinHash permutations, which must equal `bands * rows`.
    public var bands: Int
    public var rows: Int
    /// Estimated Jaccard similarity a candidate pair must reach to be joined.
    public var similarityThreshold: Double
    /// Messages with fewer shingles than this (short chats: "ok em", "dạ vâng") are never clustered.
    public var minimumShingles: Int
    /// Clusters with fewer members are not campaigns.
    public var minimumSize: Int
    /// How many values each variable part lists (the most frequent first); the distinct count is always given.
    public var valuesPerVariablePart: Int
    /// The seed of the MinHash permutations: the same seed gives the same campaigns.
    public var seed: UInt64

    public var permutations: Int { bands * rows }

    public init(shingleSize: Int = 5, bands: Int = 16, rows: Int = 4, similarityThreshold: Double = 0.5,
                minimumShingles: Int = 12, minimumSize: Int = 3, valuesPerVariablePart: Int = 10, seed: UInt64 = 18) {
        self.shingleSize = shingleSize
        self.bands = bands
        self.rows = rows
        self.similarityThreshold = similarityThreshold
        self.minimumShingles = minimumShingles
        self.minimumSize = minimumSize
        self.valuesPerVariablePart = valuesPerVariablePart
        self.seed = seed
    }
}

/// A lexicon decision: the category and the lexicon entries (folded, as listed in
/// docs/ANALYSIS.md) found in the text, with the score they gave.
public struct CategoryDecision: Codable, Sendable, Equatable {
    public var category: CampaignCategory
    public var words: [String]
    public var score: Int

    public init(category: CampaignCategory, words: [String], score: Int) {
        self.category = category
        self.words = words
        self.score = score
    }
}

/// One value of a variable part and how many members carry it.
public struct ValueCount: Codable, Sendable, Equatable {
    public var value: String
    public var count: Int

    public init(value: String, count: Int) {
        self.value = value
        self.count = count
    }
}

/// What differs between a campaign's members for one kind of token: how many distinct values,
/// and the most frequent ones (`CampaignParameters.valuesPerVariablePart`) with their counts.
public struct VariablePart: Codable, Sendable, Equatable {
    public var kind: TokenKind
    public var distinctValues: Int
    public var values: [ValueCount]

    public init(kind: TokenKind, distinctValues: Int, values: [ValueCount]) {
        self.kind = kind
        self.distinctValues = distinctValues
        self.values = values
    }
}

/// A cluster of near-duplicate messages: one campaign.
public struct Campaign: Codable, Sendable, Equatable {
    /// 1-based, largest campaign first (ties: the earliest first member).
    public var number: Int
    /// The members' `AnalysedMessage.id`s, in the order given to `findCampaigns`.
    public var memberIDs: [Int]
    public var size: Int
    public var firstTime: Date?
    public var lastTime: Date?
    /// The member whose masked form is the most common one (ties: the first given).
    public var representativeID: Int
    /// The representative's text in NFC.
    public var representativeText: String
    /// The representative's masked form: the template the members share.
    public var template: String
    public var variableParts: [VariablePart]
    public var category: CampaignCategory
    /// The lexicon words that decided the category (found in the representative's folded text).
    public var categoryWords: [String]

    public init(number: Int, memberIDs: [Int], size: Int, firstTime: Date?, lastTime: Date?, representativeID: Int,
                representativeText: String, template: String, variableParts: [VariablePart],
                category: CampaignCategory, categoryWords: [String]) {
        self.number = number
        self.memberIDs = memberIDs
        self.size = size
        self.firstTime = firstTime
        self.lastTime = lastTime
        self.representativeID = representativeID
        self.representativeText = representativeText
        self.template = template
        self.variableParts = variableParts
        self.category = category
        self.categoryWords = categoryWords
    }
}
