import SIMCard

/// The human view of an ID read: what a technician reads first, in a fixed layout.
enum AcquisitionText {
    static func print(_ id: SIMAcquisition) {
        func line(_ label: String, _ value: String) { custody.print(label.padding(toLength: 17, withPad: " ", startingAt: 0) + value) }
        if let reader = id.reader { line("Reader", reader) }
        // A card read through a module has no ATR: the module does not pass it on.
        if !id.atr.isEmpty { line("ATR", "\(id.atr) (\(id.atrProtocols.joined(separator: ", ")))") }
        var type = id.cardType.map { $0 == .uicc ? "UICC" : "SIM (classic GSM)" } ?? "unknown"
        if !id.applications.isEmpty {
            type += "; applications: " + id.applications.map { app in
                "\(app.kind.rawValue.uppercased())\(app.label.map { " \"\($0)\"" } ?? "") \(app.aid)"
            }.joined(separator: ", ")
        }
        line("Card", type)
        if let iccid = id.iccid {
            var text = "\(iccid.digits) (Luhn \(iccid.luhnValid ? "ok" : "FAILED"))"
            if let issuer = iccid.issuer { text += "; issuer \(issuer.issuer), \(issuer.country) (prefix \(issuer.prefix))" }
            line("ICCID", text)
        } else {
            line("ICCID", "not read (\(id.files.first { $0.name == "EF.ICCID" }.map { "\($0.status.rawValue), SW \($0.sw)" } ?? "not reached"))")
        }
        if let imsi = id.imsi {
            switch imsi.state {
            case .read:
                var text = "\(imsi.digits ?? "")  MCC \(imsi.mcc ?? "") MNC \(imsi.mnc ?? "") (MNC length: \(imsi.mncLengthSource ?? ""))"
                if let op = imsi.operatorInfo { text += "; \(op.displayName), \(op.country)" } else { text += "; operator not in table" }
                line("IMSI", text)
            case .pinRequired: line("IMSI", "PIN required (card answered 'security status not satisfied')")
            case .notFound: line("IMSI", "not present on card (\(imsi.path))")
            case .failed: line("IMSI", "could not be read\(imsi.decodeError.map { ": \($0)" } ?? "")")
            }
        } else {
            line("IMSI", "not read")
        }
        for pin in id.pins { line(pin.name, pin.summary) }
        if let presentation = id.pinPresentation { line("Examiner's PIN", presentation.outcome) }
        if let summary = id.summary { printSummary(summary, files: id.files, line: line) }
        for file in id.files {
            guard let anomalies = file.anomalies else { continue }
            line("ANOMALY", "\(file.name) (\(file.path)): \(anomalies.joined(separator: "; "))")
        }
        line("APDUs", "\(id.apduCount)")
        line("Content SHA-256", id.contentSHA256)
        if !id.complete { line("Read", "INCOMPLETE: \(id.incompleteReason ?? "")") }
    }

    /// Counts first (what a technician checks at a glance), then the tables.
    static func printSummary(_ summary: AcquisitionSummary, files: [FileReading], line: (String, String) -> Void) {
        if let spn = summary.serviceProviderName { line("Provider name", spn) }
        if !summary.ownNumbers.isEmpty { line("Own number", summary.ownNumbers.joined(separator: ", ")) }
        line("SMS", "\(summary.smsUsed) used, \(summary.smsDeletedResidue) deleted (residue recovered), \(summary.smsRecords) records")
        line("Contacts", "\(summary.contacts.count)")
        for location in summary.locations {
            var text = "\(location.kind) \(location.plmn ?? "none") area \(location.area)"
            if let rac = location.routingAreaCode { text += " RAC \(rac)" }
            if let id = location.temporaryIdentity { text += ", temporary id \(id)" }
            if let errors = location.fieldErrors { text += "; DECODE ERROR " + errors.map(\.description).joined(separator: "; ") }
            line("Location", "\(text) (\(location.updateStatus); \(location.file))")
        }
        if !summary.forbiddenNetworks.isEmpty { line("Forbidden PLMNs", summary.forbiddenNetworks.joined(separator: ", ")) }
        let counts = Dictionary(grouping: files, by: \.status).mapValues(\.count)
        line("Files", FileReading.Status.allCases.compactMap { status in counts[status].map { "\($0) \(status.rawValue)" } }.joined(separator: ", "))
        if let coverage = summary.coverage {
            line("Coverage", "\(coverage.filesFound) files found, \(coverage.filesRead) read (\(coverage.filesNotInModel) not in the model, read raw), \(coverage.directoriesFound) directories")
            for file in coverage.notRead { line("Not read", "\(file.name) (\(file.path)): \(file.reason)") }
        }
        let undecodable = files.filter { $0.decodeErrors != nil }
        if !undecodable.isEmpty { line("Decode errors", undecodable.map { "\($0.name) (\($0.path))" }.joined(separator: ", ")) }

        if !summary.messages.isEmpty {
            custody.print()
            custody.print("SMS")
            Table.print(header: ["rec", "status", "dir", "party", "time", "text"], rows: summary.messages.map { m in
                [String(m.record), m.deletedResidue ? "DELETED" : m.status.rawValue, m.direction, m.party ?? "",
                 m.time ?? "", (m.part.map { "[\($0)] " } ?? "") + (m.text ?? m.decodeError ?? "")]
            })
        }
        for concat in summary.concatenatedMessages {
            let missing = concat.missingSequences.isEmpty ? "" : " (parts missing: \(concat.missingSequences.map(String.init).joined(separator: ", ")))"
            custody.print("Joined \(concat.parts.count)/\(concat.total) parts from \(concat.originatorOrDestination), records \(concat.parts.map { String($0.recordNumber) }.joined(separator: "+"))\(missing): \(concat.text)")
        }
        if !summary.contacts.isEmpty {
            custody.print()
            custody.print("Contacts")
            Table.print(header: ["file", "rec", "name", "number"], rows: summary.contacts.map { c in
                [c.file, String(c.record), c.name ?? "", c.number]
            })
        }
        custody.print()
    }
}

/// Plain-text columns, widths from the content (counted in characters, so Vietnamese aligns).
enum Table {
    static func print(header: [String], rows: [[String]]) {
        // Escaped first, so that the widths are those of what the terminal shows.
        let lines = ([header] + rows).map { $0.map(TerminalText.escaped) }
        let widths = header.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        for row in lines {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            custody.print(cells.joined(separator: "  "))
        }
    }
}
