/// Lays out a result set as aligned columns that fit a terminal width.
///
/// When the natural widths do not fit, the long columns give way (a "water level" is lowered
/// over them, so the widest lose most) while short ones such as counts and times stay whole; a
/// cut cell ends with "…". Widths count Characters, so East Asian wide characters take more room than measured.
public struct TableFormatter: Sendable {
    /// The width to fit, in columns; nil means never truncate.
    public var width: Int?
    /// Spaces between two columns.
    public static let gap = 2
    /// No column is squeezed below this (unless its content is narrower), so every cut cell
    /// still shows a couple of characters and the ellipsis.
    public static let minimumColumnWidth = 3
    /// Columns no wider than this (an ISO time is 20) are cut only when nothing else helps.
    public static let shortColumnWidth = 20

    public init(width: Int?) { self.width = width }

    // MARK: rows

    /// Header, a dashed rule, then one line per row. Empty when there are no columns.
    public func format(_ result: ResultSet) -> String {
        let sink = ByteSink()
        write(result, to: sink)
        return sink.take()
    }

    /// The same table, written line by line into `sink`.
    public func write(_ result: ResultSet, to sink: ByteSink) { write(RowBuffer(result), to: sink) }

    public func write(_ rows: RowBuffer, to sink: ByteSink) {
        guard let layout = layout(rows) else { return }
        writeHeader(layout, to: sink)
        writeRows(rows, layout, to: sink)
    }

    /// Column widths and alignment, measured over the rows of one window. A streamed table
    /// keeps the first window's layout for every later row (see `RowStreamWriter`).
    struct Layout {
        var header: [String]
        var headerLengths: [Int]
        var widths: [Int]
        var numeric: [Bool]
        /// Whether a later cell wider than its column is cut: only when fitting a width, since
        /// without one nothing is ever cut, and a long cell just pushes its row out of line.
        var cutsLongCells: Bool
    }

    func layout(_ rows: RowBuffer) -> Layout? {
        let count = rows.columns.count
        guard count > 0 else { return nil }
        let header = rows.columns.map(Self.sanitize)
        let headerLengths = header.map(Self.length)
        var natural = headerLengths
        // A column is right-aligned when it holds numbers and nothing but numbers (NULLs aside).
        var allNumbers = [Bool](repeating: true, count: count)
        var anyValue = [Bool](repeating: false, count: count)
        rows.withCells { buffer, cells in
            for (n, cell) in cells.enumerated() {
                let i = n % count
                switch cell.kind {
                case .null: break
                case .integer, .real: anyValue[i] = true
                case .text: anyValue[i] = true; allNumbers[i] = false
                }
                let length = Self.measure(buffer.slice(cell)).length
                if length > natural[i] { natural[i] = length }
            }
        }
        return Layout(header: header, headerLengths: headerLengths, widths: fit(natural),
                      numeric: (0..<count).map { allNumbers[$0] && anyValue[$0] }, cutsLongCells: width != nil)
    }

    /// A cell's printed length, and its sanitized text when it is not printable ASCII (the
    /// others are printed from the buffer as they are).
    private static func measure(_ bytes: UnsafeBufferPointer<UInt8>) -> (length: Int, sanitized: String?) {
        guard bytes.contains(where: { $0 < 0x20 || $0 >= 0x7F }) else { return (bytes.count, nil) }
        let text = sanitize(String(decoding: bytes, as: UTF8.self))
        return (length(text), text)
    }

    func writeHeader(_ layout: Layout, to sink: ByteSink) {
        writeLine(layout.widths, rightAligned: layout.numeric, cut: true, to: sink) { i in (.text(layout.header[i]), layout.headerLengths[i]) }
        for (i, width) in layout.widths.enumerated() {
            if i > 0 { sink.writeSpaces(Self.gap) }
            sink.write(bytes: repeatElement(UInt8(ascii: "-"), count: width))
        }
        sink.write(byte: UInt8(ascii: "\n"))
    }

    func writeRows(_ rows: RowBuffer, _ layout: Layout, to sink: ByteSink) {
        let count = layout.widths.count
        guard rows.columns.count == count else { return }
        rows.withCells { buffer, cells in
            var offset = 0
            while offset < cells.count {
                writeLine(layout.widths, rightAligned: layout.numeric, cut: layout.cutsLongCells, to: sink) { i in
                    let bytes = buffer.slice(cells[offset + i])
                    let measured = Self.measure(bytes)
                    if let text = measured.sanitized { return (.text(text), measured.length) }
                    return (.bytes(bytes), measured.length)
                }
                offset += count
            }
        }
    }

    /// The first row as `column  value` lines (for one-row summaries).
    public func formatRecord(_ result: ResultSet) -> String {
        guard !result.rows.isEmpty else { return "" }
        return recordLines(result, row: 0, skippingEmpty: false)
    }

    /// Every row as a `column  value` block, blocks separated by an empty line, empty values
    /// left out.
    public func formatRecords(_ result: ResultSet) -> String {
        result.rows.indices.map { recordLines(result, row: $0, skippingEmpty: true) }.joined(separator: "\n")
    }

    private func recordLines(_ result: ResultSet, row index: Int, skippingEmpty: Bool) -> String {
        let row = result.rows[index]
        let names = result.columns.map(Self.sanitize)
        let nameWidth = names.map(\.count).max() ?? 0
        let valueWidth = width.map { max(10, $0 - nameWidth - Self.gap) }
        var lines: [String] = []
        for (i, name) in names.enumerated() {
            let cell = i < row.count ? row[i] : .null
            if skippingEmpty && (cell == .null || cell == .text("")) { continue }
            var value = Self.sanitize(CellText.plain(cell))
            if let valueWidth { value = Self.truncate(value, to: valueWidth) }
            let padded = name + String(repeating: " ", count: nameWidth - name.count + Self.gap) + value
            lines.append(Self.trimTrailingSpaces(padded))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: widths

    /// Column widths for the natural (widest cell) widths, fitted into `width`.
    public func fit(_ natural: [Int]) -> [Int] {
        guard let width, !natural.isEmpty else { return natural }
        let budget = width - Self.gap * (natural.count - 1)
        if natural.reduce(0, +) <= budget { return natural }
        // Short columns (times, counts, account ids) stay whole while the long ones can give way;
        // only when even that does not fit are all columns squeezed.
        var floors = natural.map { $0 <= Self.shortColumnWidth ? $0 : Self.minimumColumnWidth }
        if floors.reduce(0, +) > budget { floors = natural.map { min($0, Self.minimumColumnWidth) } }
        func widths(atLevel level: Int) -> [Int] { natural.indices.map { min(natural[$0], max(level, floors[$0])) } }
        // The highest level at which everything fits.
        var low = 0, high = natural.max() ?? 0
        while low < high {
            let mid = (low + high + 1) / 2
            if widths(atLevel: mid).reduce(0, +) <= budget { low = mid } else { high = mid - 1 }
        }
        var result = widths(atLevel: low)
        // Hand the remainder, one column each, to the cut columns from the left.
        var spare = budget - result.reduce(0, +)
        for i in result.indices where spare > 0 && result[i] < natural[i] {
            result[i] += 1
            spare -= 1
        }
        return result
    }

    /// A cell to print: text that had to be sanitized, or bytes straight from the buffer.
    private enum LineCell {
        case text(String)
        case bytes(UnsafeBufferPointer<UInt8>)
    }

    /// One row: cells cut to their widths, padded, trailing spaces dropped. `cell(i)` gives
    /// column i's content and its length.
    private func writeLine(_ widths: [Int], rightAligned: [Bool], cut: Bool, to sink: ByteSink,
                           cell: (Int) -> (LineCell, Int)) {
        let start = sink.position
        // Pending spaces are written only when something follows them, so a left-aligned last
        // column is never padded out to the widest cell (which can be thousands of columns
        // wide when nothing truncates) just to be trimmed again.
        var pending = 0
        for i in 0..<widths.count {
            var (content, length) = cell(i)
            if cut && length > widths[i] {
                let text: String
                switch content {
                case .text(let s): text = s
                case .bytes(let b): text = String(decoding: b, as: UTF8.self)
                }
                let cut = Self.truncate(text, to: widths[i])
                content = .text(cut)
                length = Self.length(cut)
            }
            let pad = max(0, widths[i] - length)
            if i > 0 { pending += Self.gap }
            if rightAligned[i] { pending += pad }
            if length > 0 {
                sink.writeSpaces(pending)
                switch content {
                case .text(let s): sink.write(s)
                case .bytes(let b): sink.write(bytes: b)
                }
                pending = 0
            }
            if !rightAligned[i] { pending += pad }
        }
        sink.trimTrailingSpaces(from: start)
        sink.write(byte: UInt8(ascii: "\n"))
        sink.flushIfFull()
    }

    // MARK: cells

    /// Cuts `text` to `width` characters, the last one an ellipsis. An ARN keeps its end
    /// instead (`…:user/alice`): its beginning (`arn:aws:iam::`) is the same on every row.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard length(text) > width else { return text }
        guard width > 0 else { return "" }
        if text.hasPrefix("arn:") { return "…" + String(text.suffix(width - 1)) }
        return String(text.prefix(width - 1)) + "…"
    }

    /// One line per row, and nothing that drives the terminal: log fields are written by whoever
    /// made the request (user agents, request parameters), so an escape sequence in them must not
    /// reach the screen. Line breaks and tabs become spaces, other control characters U+FFFD.
    static func sanitize(_ text: String) -> String {
        // Fast path on the bytes: C0 controls and DEL are single bytes; C1 controls (U+0080–U+009F)
        // start with 0xC2. Only a string holding one of those is rebuilt scalar by scalar.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }),
              text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\t" {
                out.append(" ")
            } else if isControl(scalar) {
                out.append("\u{FFFD}")
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The length in Characters; for ASCII text (nearly every cell) the byte count, without
    /// walking grapheme clusters.
    static func length(_ text: String) -> Int {
        text.utf8.contains(where: { $0 >= 0x80 }) ? text.count : text.utf8.count
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// On the UTF-8 view: a space is one byte and never part of a longer character.
    private static func trimTrailingSpaces(_ s: String) -> String {
        let utf8 = s.utf8
        var end = utf8.endIndex
        while end > utf8.startIndex, utf8[utf8.index(before: end)] == UInt8(ascii: " ") { end = utf8.index(before: end) }
        return end == utf8.endIndex ? s : String(s[..<end])
    }
}
