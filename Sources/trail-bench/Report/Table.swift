/// A plain-text table with aligned columns; numbers right-aligned, text left-aligned.
struct Table {
    var title: String
    var header: [String]
    var rows: [[String]] = []

    init(_ title: String, _ header: [String]) {
        self.title = title
        self.header = header
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    var text: String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func numeric(_ s: String) -> Bool {
            guard let first = s.first else { return false }
            return first.isNumber || ((first == "-" || first == "×") && s.dropFirst().first?.isNumber == true)
        }
        func line(_ row: [String]) -> String {
            var out = ""
            for i in 0..<widths.count {
                let cell = i < row.count ? row[i] : ""
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                out += (i == 0 ? "" : "  ") + (numeric(cell) && i > 0 ? pad + cell : cell + pad)
            }
            while out.hasSuffix(" ") { out.removeLast() }
            return out
        }
        var lines = [title, line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }
}
