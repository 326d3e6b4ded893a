extension QRCode {
    /// The symbol as an inline SVG element for an HTML page (the records, docs/RECORDS.md):
    /// `side` CSS units square (e.g. "28mm"), a quiet zone of four light modules on every side,
    /// the dark modules as one path of row runs in module coordinates, crisp when printed.
    public func svg(side: String) -> String {
        let quiet = 4, extent = size + 2 * quiet
        var path = ""
        for row in 0..<size {
            for run in darkRuns(row: row) { path += "M\(run.column + quiet) \(row + quiet)h\(run.length)v1h-\(run.length)z" }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(side)\" height=\"\(side)\" viewBox=\"0 0 \(extent) \(extent)\" "
            + "shape-rendering=\"crispEdges\" role=\"img\"><rect width=\"\(extent)\" height=\"\(extent)\" fill=\"#fff\"/>"
            + "<path fill=\"#000\" d=\"\(path)\"/></svg>"
    }
}
