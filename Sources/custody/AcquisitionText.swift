import SIMCard

/// The human view of an ID read: what a technician reads first, in a fixed layout.
enum AcquisitionText {
    static func print(_ id: SIMAcquisition) {
        func line(_ label: String, _ value: String) { Swift.print(label.padding(toLength: 17, withPad: " ", startingAt: 0) + value) }
        if let reader = id.reader { line("Reader", reader) }
        line("ATR", "\(id.atr) (\(id.atrProtocols.joined(separator: ", ")))")
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
        line("APDUs", "\(id.apduCount)")
        line("Content SHA-256", id.contentSHA256)
        if !id.complete { line("Read", "INCOMPLETE: \(id.incompleteReason ?? "")") }
    }
}
