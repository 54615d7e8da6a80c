/// Building blocks of the server-rendered HTML: escaping and highlighted text.
///
/// Every piece of text that comes from a document, a query or a URL goes through `escape` before it is
/// written into the page, in element content and in quoted attribute values alike.
public enum HTML {
    /// `&`, `<`, `>`, `"` and `'` as character references: safe in element content and in single- or
    /// double-quoted attribute values. `"><img onerror=…>` comes out as text.
    public static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\0": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` escaped, with `<mark>…</mark>` around each highlight.
    ///
    /// `highlights` are `[start, end)` ranges in Unicode scalars of `text`, as the JSON API gives them.
    /// Malformed ranges (not two numbers, empty, reversed) are dropped, others are clamped to the text,
    /// and overlapping or touching ranges are merged, so the marks never nest or cut a character.
    public static func highlighted(_ text: String, _ highlights: [[Int]]) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = ""
        var position = 0
        for range in mergedRanges(highlights, count: scalars.count) {
            if range.lowerBound > position { out += escape(String(String.UnicodeScalarView(scalars[position..<range.lowerBound]))) }
            out += "<mark>" + escape(String(String.UnicodeScalarView(scalars[range]))) + "</mark>"
            position = range.upperBound
        }
        if position < scalars.count { out += escape(String(String.UnicodeScalarView(scalars[position...]))) }
        return out
    }

    /// The valid ranges of `highlights`, clamped to `0..<count`, sorted, merged.
    static func mergedRanges(_ highlights: [[Int]], count: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        for h in highlights where h.count == 2 {
            let start = max(0, min(h[0], count))
            let end = max(0, min(h[1], count))
            if start < end { ranges.append(start..<end) }
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = []
        for r in ranges {
            if let last = merged.last, r.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        return merged
    }
}
