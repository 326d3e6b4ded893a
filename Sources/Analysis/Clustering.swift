import Foundation

/// Near-duplicate clustering into campaigns (docs/ANALYSIS.md, "Algorithm").
///
/// 1. Each message is normalised; messages with the same masked form share one *form* (a 64-bit
///    hash of the masked text, so no text is kept per message).
/// 2. Each form with at least `minimumShingles` shingles gets a MinHash signature.
/// 3. LSH banding: for each band, the forms are sorted by the band's values; forms with equal
///    values are candidates, each checked against the first form of its group. Two candidates'
///    clusters are joined (union-find) when the clusters' roots (their first forms) have an
///    estimated Jaccard similarity of at least `similarityThreshold`: comparing roots rather than
///    the candidates themselves stops chains (A like B, B like C, … Z unlike A) from growing one
///    cluster out of loosely related chats.
/// 4. Clusters with at least `minimumSize` messages are campaigns, described from their members.
///
/// Per message: one Int32 (its form). Per form: a signature of `permutations` UInt16 values,
/// one Int32 parent and one Int32 count.
struct Clustering {
    let parameters: CampaignParameters
    let hasher: MinHasher

    init(parameters: CampaignParameters) {
        precondition(parameters.shingleSize >= 1 && parameters.bands >= 1 && parameters.rows >= 1, "campaign parameters must be positive")
        self.parameters = parameters
        hasher = MinHasher(parameters: parameters)
    }

    /// The forms of the messages, their signatures and their clusters.
    struct Forms {
        /// The form of each message; -1 for a message too short to cluster.
        var formOfMessage: [Int32]
        /// `permutations` values per form, in form order.
        var signatures: [UInt16]
        var messagesPerForm: [Int32]
        var parent: [Int32]

        mutating func root(_ form: Int32) -> Int32 {
            var x = form
            while parent[Int(x)] != x {
                parent[Int(x)] = parent[Int(parent[Int(x)])]
                x = parent[Int(x)]
            }
            return x
        }

        mutating func union(_ a: Int32, _ b: Int32) {
            let ra = root(a), rb = root(b)
            if ra != rb { parent[Int(max(ra, rb))] = min(ra, rb) }
        }
    }

    /// Steps 1 and 2 for masked texts (the benchmark calls it on masked texts directly).
    func forms(maskedTexts count: Int, _ masked: (Int) -> String) -> Forms {
        var formOfHash = [UInt64: Int32]()
        var forms = Forms(formOfMessage: [], signatures: [], messagesPerForm: [], parent: [])
        forms.formOfMessage.reserveCapacity(count)
        for index in 0..<count {
            let bytes = MinHasher.shingleBytes(masked(index))
            guard hasher.shingleCount(bytes.count) >= max(1, parameters.minimumShingles) else {
                forms.formOfMessage.append(-1)
                continue
            }
            let key = bytes.withUnsafeBufferPointer { MinHasher.hash($0, 0, $0.count) }
            if let form = formOfHash[key] {
                forms.formOfMessage.append(form)
                forms.messagesPerForm[Int(form)] += 1
                continue
            }
            let form = Int32(forms.messagesPerForm.count)
            formOfHash[key] = form
            hasher.appendSignature(of: bytes, to: &forms.signatures)
            forms.messagesPerForm.append(1)
            forms.parent.append(form)
            forms.formOfMessage.append(form)
        }
        return forms
    }

    /// Step 3: joins the forms whose signatures agree on a band and pass the threshold.
    func join(_ forms: inout Forms) {
        let permutations = parameters.permutations
        let formCount = forms.messagesPerForm.count
        let needed = Int((parameters.similarityThreshold * Double(permutations)).rounded(.up))
        var keys = [(key: UInt64, form: Int32)](repeating: (0, 0), count: formCount)
        for band in 0..<parameters.bands {
            forms.signatures.withUnsafeBufferPointer { signatures in
                for form in 0..<formCount {
                    var key: UInt64 = 0xCBF2_9CE4_8422_2325
                    let base = form * permutations + band * parameters.rows
                    for row in 0..<parameters.rows { key = (key ^ UInt64(signatures[base + row])) &* 0x100_0000_01B3 }
                    keys[form] = (key, Int32(form))
                }
            }
            keys.sort { $0.key < $1.key || ($0.key == $1.key && $0.form < $1.form) }
            var start = 0
            while start < formCount {
                var end = start + 1
                while end < formCount, keys[end].key == keys[start].key { end += 1 }
                let first = keys[start].form
                for index in (start + 1)..<end {
                    let a = forms.root(first), b = forms.root(keys[index].form)
                    if a != b, agreeing(forms.signatures, Int(a), Int(b)) >= needed { forms.union(a, b) }
                }
                start = end
            }
        }
    }

    private func agreeing(_ signatures: [UInt16], _ a: Int, _ b: Int) -> Int {
        let permutations = parameters.permutations
        var equal = 0
        signatures.withUnsafeBufferPointer { s in
            for i in 0..<permutations where s[a * permutations + i] == s[b * permutations + i] { equal += 1 }
        }
        return equal
    }

    func groups(_ maskedTexts: [String]) -> [Int] {
        var forms = forms(maskedTexts: maskedTexts.count) { maskedTexts[$0] }
        join(&forms)
        var firstTextOfForm = [Int](repeating: -1, count: forms.messagesPerForm.count)
        for (index, form) in forms.formOfMessage.enumerated() where form >= 0 && firstTextOfForm[Int(form)] < 0 {
            firstTextOfForm[Int(form)] = index
        }
        var groups = [Int](repeating: -1, count: maskedTexts.count)
        for index in 0..<maskedTexts.count where forms.formOfMessage[index] >= 0 {
            groups[index] = firstTextOfForm[Int(forms.root(forms.formOfMessage[index]))]
        }
        return groups
    }

    func campaigns(_ messages: [AnalysedMessage]) -> [Campaign] {
        var forms = forms(maskedTexts: messages.count) { Normaliser.normalise(messages[$0].text).masked }
        join(&forms)
        var messagesPerRoot = [Int32: Int]()
        for form in 0..<Int32(forms.messagesPerForm.count) {
            messagesPerRoot[forms.root(form), default: 0] += Int(forms.messagesPerForm[Int(form)])
        }
        var membersOfRoot = [Int32: [Int]]()
        for (index, form) in forms.formOfMessage.enumerated() where form >= 0 {
            let root = forms.root(form)
            if messagesPerRoot[root, default: 0] >= parameters.minimumSize { membersOfRoot[root, default: []].append(index) }
        }
        let described = membersOfRoot.values.map { describe($0.sorted(), messages, forms) }
        return described.sorted { ($0.size, -$0.firstIndex) > ($1.size, -$1.firstIndex) }.enumerated().map { number, campaign in
            var result = campaign.campaign
            result.number = number + 1
            return result
        }
    }

    /// A campaign from its members' indices (ascending): times, representative, variable parts, category.
    private func describe(_ members: [Int], _ messages: [AnalysedMessage], _ forms: Forms) -> (campaign: Campaign, size: Int, firstIndex: Int) {
        var countOfForm = [Int32: Int]()
        for index in members { countOfForm[forms.formOfMessage[index], default: 0] += 1 }
        let commonest = countOfForm.max { ($0.value, -$0.key) < ($1.value, -$1.key) }!.key
        let representative = members.first { forms.formOfMessage[$0] == commonest }!
        var valueCounts = [TokenKind: [String: Int]]()
        var firstTime: Date?
        var lastTime: Date?
        for index in members {
            for value in Normaliser.normalise(messages[index].text).values { valueCounts[value.kind, default: [:]][value.value, default: 0] += 1 }
            if let time = messages[index].time {
                firstTime = min(firstTime ?? time, time)
                lastTime = max(lastTime ?? time, time)
            }
        }
        let variableParts = TokenKind.allCases.compactMap { kind -> VariablePart? in
            guard let counts = valueCounts[kind] else { return nil }
            let top = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(parameters.valuesPerVariablePart)
            return VariablePart(kind: kind, distinctValues: counts.count, values: top.map { ValueCount(value: $0.key, count: $0.value) })
        }
        let normalised = Normaliser.normalise(messages[representative].text)
        let decision = Lexicon.categorise(folded: normalised.folded)
        let campaign = Campaign(number: 0, memberIDs: members.map { messages[$0].id }, size: members.count, firstTime: firstTime, lastTime: lastTime,
                                representativeID: messages[representative].id, representativeText: normalised.nfc, template: normalised.masked,
                                variableParts: variableParts, category: decision.category, categoryWords: decision.words)
        return (campaign, members.count, members[0])
    }
}
