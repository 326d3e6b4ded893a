import CaseStore
import Ledger

extension CASEGraphBuilder {
    func actionIRI(_ seq: Int64) -> String { names.iri("action", "entry:\(seq)") }

    /// One ledger entry as an investigative action: performer, instrument, location, objects,
    /// results (the hashed data it recorded and one provenance record per exported subject)
    /// and start/end time.
    mutating func addEntry(_ signed: SignedEntry) {
        let entry = signed.entry
        let seq = entry.sequence
        let name = "entry:\(seq)"
        let payload = entry.payload
        var evidence = [String](), sources = [String]()
        switch entry.action {
        case .simAcquire, .simReread:
            let size = recordSizes[seq]
            evidence += [
                addHashedObject("\(name)/record", kind: "acquisition-record",
                                title: "acquisition record (custody.sim.acquisition/1 JSON as stored) of ledger entry \(seq)",
                                sha256: payload["recordSHA256"], size: size, mimeType: "application/json"),
                addHashedObject("\(name)/content", kind: "card-content",
                                title: "card content (canonical serialisation, docs/ACQUISITION.md) read in ledger entry \(seq)",
                                sha256: payload["contentSHA256"]),
                addHashedObject("\(name)/transcript", kind: "apdu-transcript",
                                title: "APDU transcript (canonical serialisation, docs/ACQUISITION.md) of ledger entry \(seq)",
                                sha256: payload["transcriptSHA256"]),
            ].compactMap { $0 }
        case .custodyPhotograph:
            evidence += [addHashedObject("\(name)/file", kind: "file", title: "photograph of ledger entry \(seq)",
                                        sha256: payload["sha256"], size: payload["bytes"]?.integerValue,
                                        file: (Self.text(payload["originalName"]), Self.text(payload["file"])))].compactMap { $0 }
        case .deviceImport:
            evidence += [addHashedObject("\(name)/file", kind: "file", title: "catalog file of ledger entry \(seq)",
                                        sha256: payload["sha256"], file: (Self.text(payload["file"]), nil))].compactMap { $0 }
        case .messagesImport:
            // The source file is the action's result, not an exhibit's: the exhibit (the phone)
            // carries only the hashes of its own reads and photos (CASE-UCO.md, "Messages").
            sources += [addHashedObject("\(name)/file", kind: "file", title: "message source file of ledger entry \(seq)",
                                       sha256: payload["sha256"], size: payload["bytes"]?.integerValue,
                                       file: (Self.text(payload["file"]), nil))].compactMap { $0 }
        default:
            break
        }
        let objects = Set(entry.subjects + (created[seq] ?? [])).filter { itemTypes[$0] != nil }
        var results = evidence + sources
        // In the entry's order: the graph is written in the order nodes are made.
        var recorded = Set<String>()
        for label in entry.subjects where itemTypes[label] != nil && recorded.insert(label).inserted {
            var record = CASENode(names.iri("provenance-record", "provenance:\(seq):\(label)"), "case-investigation:ProvenanceRecord")
            record["uco-core:name"] = .string("exhibit \(label), ledger entry \(seq)")
            record["case-investigation:exhibitNumber"] = .string(label)
            record["uco-core:object"] = .refs([itemIRI(label)] + evidence)
            add(record)
            results.append(record.id)
        }

        var node = CASENode(actionIRI(seq), "case-investigation:InvestigativeAction")
        node["uco-core:name"] = .string(entry.action.rawValue)
        var description = ["ledger entry \(seq)", "entry hash \(signed.hash.hex)"]
        for (key, value) in payload.sorted(by: { $0.key < $1.key }) { if let v = Self.text(value) { description.append("\(key): \(v)") } }
        node["uco-core:description"] = .string(description.joined(separator: "; "))
        node["uco-action:performer"] = .ref(addPerson(entry.examiner))
        node["uco-action:instrument"] = .refs([toolIRI])
        if entry.action == .custodySeize || entry.action == .custodyReceive,
           let place = Self.text(payload[entry.action == .custodySeize ? "where" : "at"]) {
            node["uco-action:location"] = .refs([location(place)])
        }
        if entry.action == .custodyTransfer {
            let people = ["releasedBy", "receivedBy"].compactMap { Self.text(payload[$0]) }.filter { roster[$0] != nil }
            node["uco-action:participant"] = .refs(people.map { addPerson($0) })
        }
        node["uco-action:object"] = .refs(objects.map(itemIRI))
        node["uco-action:result"] = .refs(results)
        let facts = readFacts[seq]
        node["uco-action:startTime"] = .dateTime(facts?.started ?? entry.time)
        node["uco-action:endTime"] = .dateTime(facts?.ended ?? entry.time)
        if entry.action == .custodyCorrection, let corrected = payload["corrects"]?.integerValue, exportedEntries.contains(corrected) {
            node["case-investigation:wasInformedBy"] = .refs([actionIRI(corrected)])
        }
        add(node)
    }

    /// Data an entry recorded by its SHA-256 (a read's record, content and transcript; a photo;
    /// a catalog file), as an observable object with a content data facet; a file also gets a
    /// file facet. nil when the payload holds no hash.
    mutating func addHashedObject(_ name: String, kind: String, title: String, sha256: CanonicalJSON?, size: Int64? = nil,
                                  mimeType: String? = nil, file: (name: String?, path: String?)? = nil) -> String? {
        guard let sha256 = Self.text(sha256) else { return nil }
        var node = CASENode(names.iri(kind, name), file == nil ? "uco-observable:ObservableObject" : "uco-observable:File")
        node["uco-core:name"] = .string(title)
        var facets = [contentData(name, sha256: sha256, size: size, mimeType: mimeType)]
        if let file {
            var facet = facet(name, "uco-observable:FileFacet").node
            facet["uco-observable:fileName"] = file.name.map { .string($0) }
            facet["uco-observable:filePath"] = file.path.map { .string($0) }
            facet["uco-observable:sizeInBytes"] = size.map { .integer($0) }
            facets.append(facet)
        }
        node["uco-core:hasFacet"] = .nodes(facets)
        add(node)
        return node.id
    }

    /// The messages `seq` brought in (CASE-UCO.md, "Messages"): each a `Message` with its text,
    /// time, pointer and service, and a relationship `Contained_Within` to where it was read —
    /// the imported file, or the acquisition record of the SIM read. Written a page at a time.
    mutating func addMessages(of seq: Int64, action: LedgerAction, flush: (inout CASEGraphBuilder) throws -> Void) throws {
        let container: String
        switch action {
        case .messagesImport: container = names.iri("file", "entry:\(seq)/file")
        case .simAcquire, .simReread: container = names.iri("acquisition-record", "entry:\(seq)/record")
        default: return
        }
        var failure: (any Error)?
        try store.forEachMessage(entry: seq) { m in
            guard failure == nil else { return }
            let pointer = "\(m.item)/\(m.source.rawValue)/\(m.entry)/\(m.sourceRow)"
            let name = "message:\(pointer)"
            var node = CASENode(names.iri("message", name), "uco-observable:Message")
            node["uco-core:name"] = .string("message \(pointer)")
            node["uco-core:description"] = .string([m.direction == .incoming ? "received" : "sent", m.counterpart.map { "counterpart \($0)" },
                                                    m.status.map { "status \($0)" }, m.port.map { "port \($0)" }].compactMap { $0 }.joined(separator: "; "))
            var message = facet(name, "uco-observable:MessageFacet").node
            message["uco-observable:messageText"] = .string(m.text)
            message["uco-observable:messageID"] = .string(pointer)
            message["uco-observable:messageType"] = .string(m.service)
            message["uco-observable:sentTime"] = m.time.map { .object(["@type": .string("xsd:dateTime"), "@value": .string($0)]) }
            var facets = [message]
            if m.service == "SMS" {
                var sms = facet(name, "uco-observable:SMSMessageFacet").node
                if m.status == "read" || m.status == "unread" { sms["uco-observable:isRead"] = .bool(m.status == "read") }
                facets.append(sms)
            }
            node["uco-core:hasFacet"] = .nodes(facets)
            add(node)
            var relation = CASENode(names.iri("relationship", "contained:\(name)"), "uco-observable:ObservableRelationship")
            relation["uco-core:source"] = .refs([node.id])
            relation["uco-core:target"] = .ref(container)
            relation["uco-core:kindOfRelationship"] = .string("Contained_Within")
            relation["uco-core:isDirectional"] = .bool(true)
            add(relation)
            if pending.count >= 512 { do { try flush(&self) } catch { failure = error } }
        }
        if let failure { throw failure }
    }
}
