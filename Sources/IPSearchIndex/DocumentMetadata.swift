import FoundationEssentials
import IPSearchAnalysis

/// Title, date and source of a press release.
///
/// An optional front-matter block at the very top wins:
/// ```
/// ---
/// title: 国家知识产权局举行新闻发布会
/// date: 2025-04-24
/// source: https://example.org/press/1
/// ---
/// ```
/// Otherwise the title is the first line that is not navigation (short crumbs such as `消费资讯`,
/// `检索方式`; `作者:` / `来源:` fields), with site suffixes such as `_中國網` dropped and converter
/// pinyin stripped; a long first paragraph is cut at its first sentence. The date is the first full
/// date in the text (`2025-04-24`, `2022年9月21日`), as `YYYY-MM-DD`.
public struct DocumentMetadata: Equatable, Sendable {
    public var title: String
    public var date: String?
    public var source: String?
    /// Where the body starts (after front matter), in Characters of the text.
    var bodyOffset: String.Index

    public static let maxTitleLength = 60

    public static func extract(from text: String, fallbackTitle: String) -> DocumentMetadata {
        var title: String?
        var date: String?
        var source: String?
        var body = text.startIndex
        if let fm = frontMatter(text) {
            title = fm.fields["title"].flatMap { $0.isEmpty ? nil : $0 }
            date = fm.fields["date"].flatMap { normalizeDate($0) ?? ($0.isEmpty ? nil : $0) }
            source = fm.fields["source"] ?? fm.fields["url"]
            body = fm.end
        }
        let bodyText = text[body...]
        if title == nil { title = heuristicTitle(bodyText) }
        if date == nil { date = firstDate(in: bodyText) }
        return DocumentMetadata(title: title ?? fallbackTitle, date: date, source: source, bodyOffset: body)
    }

    // MARK: Front matter

    static func frontMatter(_ text: String) -> (fields: [String: String], end: String.Index)? {
        var rest = text[...]
        if rest.hasPrefix("\u{FEFF}") { rest = rest.dropFirst() }
        guard rest.hasPrefix("---") else { return nil }
        let lines = rest.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard lines.first?.trimmed() == "---" else { return nil }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            let trimmed = line.trimmed()
            if trimmed == "---" {
                return (fields, line.endIndex < text.endIndex ? text.index(after: line.endIndex) : text.endIndex)
            }
            guard let colon = trimmed.firstIndex(of: ":") else { continue }
            let key = trimmed[..<colon].trimmed().lowercased()
            var value = trimmed[trimmed.index(after: colon)...].trimmed()
            if value.count >= 2, let f = value.first, f == value.last, f == "\"" || f == "'" {
                value = String(value.dropFirst().dropLast())
            }
            fields[key] = value
        }
        return nil  // no closing line: not front matter
    }

    // MARK: Title

    static let fieldPrefixes = ["作者", "分类", "分類", "来源", "來源", "requestid", "编辑", "編輯", "责任编辑", "責任編輯", "发布时间", "發布時間", "時間", "时间"]
    static let sentenceEnds: Set<Character> = ["。", "|", "｜", "!", "！", "?", "？", ";", "；"]

    static func heuristicTitle(_ body: Substring) -> String? {
        var scanned = 0
        // Only the top of the document can hold its title: look at its first 40 lines (byte-level
        // line splitting; Character iteration over a whole document is needlessly slow).
        var rest: Substring = Substring(body.utf8.prefix(16_384)) ?? body
        while !rest.isEmpty {
            scanned += 1
            if scanned > 40 { break }
            let newline = rest.utf8.firstIndex(of: 0x0A) ?? rest.endIndex
            let rawLine = rest[..<newline]
            rest = newline < rest.endIndex ? rest[rest.index(after: newline)...] : rest[rest.endIndex...]
            // Lines this long are paragraphs, not headlines: 200 characters decide it.
            var line = String(rawLine.prefix(200)).trimmed()
            // A Markdown heading's marker is not part of the title.
            if line.hasPrefix("#") { line = String(line.drop { $0 == "#" }).trimmed() }
            if line.isEmpty { continue }
            let lower = line.lowercased()
            if fieldPrefixes.contains(where: { lower.hasPrefix($0) }) { continue }
            // Navigation crumbs: short lines.
            if line.utf8.count < 64, line.filter({ !$0.isWhitespace }).count < 8 { continue }
            if line.utf8.count < 120, firstDate(in: line[...]) != nil, line.count < 40 { continue }  // "2022-09-21 10:11 杭州网"
            return cleanTitle(line)
        }
        return nil
    }

    static func cleanTitle(_ line: String) -> String {
        var title = dropDateline(PinyinAnnotation.strip(line))
        // Site suffixes: "…发布会_中國網", "… - 中国知识产权网".
        for separator in ["_", " - ", "－", "—"] {
            // Only a short tail can be a site name: look for the separator in the last 12 characters.
            let tail = String(title.suffix(8 + separator.count))
            if let r = tail.lastRange(of: separator) {
                let suffix = tail[r.upperBound...]
                let kept = title.count - tail.count + tail.distance(from: tail.startIndex, to: r.lowerBound)
                if suffix.count <= 8, !suffix.isEmpty, kept >= 8 {
                    title = String(title.prefix(kept))
                }
            }
        }
        // A paragraph, not a headline: keep its first sentence.
        if title.count > maxTitleLength || title.contains(where: { sentenceEnds.contains($0) }) {
            if let end = title.firstIndex(where: { sentenceEnds.contains($0) }), title.distance(from: title.startIndex, to: end) >= 6 {
                title = String(title[..<end])
            }
        }
        if title.count > maxTitleLength {
            title = String(title.prefix(maxTitleLength - 1)) + "…"
        }
        return title.trimmed()
    }

    /// A wire-story lead starts with a dateline, `中新經緯11月29日電 29日,` or `新华社北京9月20日电`: a
    /// title taken from such a paragraph starts after it (and after a repeated `29日,`).
    static func dropDateline(_ text: String) -> String {
        let chars = Array(text)
        guard let dian = chars.prefix(24).firstIndex(where: { $0 == "電" || $0 == "电" || $0 == "讯" || $0 == "訊" }),
              dian >= 2, chars[dian - 1] == "日" else { return text }
        var i = dian + 1
        while i < chars.count, chars[i].isWhitespace || chars[i] == "(" || chars[i] == "（" { i += 1 }
        // "29日," repeated after the dateline.
        var j = i
        while j < chars.count, chars[j].isNumber { j += 1 }
        if j > i, j < chars.count, chars[j] == "日" {
            j += 1
            while j < chars.count, chars[j] == "," || chars[j] == "，" || chars[j].isWhitespace { j += 1 }
            i = j
        }
        return i < chars.count - 4 ? String(chars[i...]) : text
    }

    // MARK: Date

    /// The first full date in `text`, as YYYY-MM-DD.
    /// Looks in the first 4,000 UTF-8 bytes (dates of press releases sit at the top); candidates
    /// are found by scanning bytes for four ASCII digits, and only those are parsed.
    static func firstDate(in text: Substring) -> String? {
        let bytes = Array(text.utf8.prefix(4_000))
        var run = 0
        for (i, b) in bytes.enumerated() {
            run = (b >= 0x30 && b <= 0x39) ? run + 1 : 0
            guard run == 4, i + 1 < bytes.count, i < 4 || !(bytes[i - 4] >= 0x30 && bytes[i - 4] <= 0x39) else { continue }
            let start = i - 3
            let candidate = String(decoding: bytes[start..<min(bytes.count, start + 24)], as: UTF8.self)
            if let (date, _) = dateAt(Array(candidate.unicodeScalars), 0) { return date }
        }
        return nil
    }

    static func normalizeDate(_ s: String) -> String? {
        let chars = Array(s.unicodeScalars)
        guard let (date, end) = dateAt(chars, 0), end == chars.count || end >= 8 else { return nil }
        return date
    }

    /// Matches `YYYY-M-D`, `YYYY/M/D`, `YYYY.M.D` or `YYYY年M月D日` at `i`.
    private static func dateAt(_ c: [Unicode.Scalar], _ i: Int) -> (String, Int)? {
        func digits(_ at: Int, _ min: Int, _ max: Int) -> (Int, Int)? {
            var j = at, v = 0
            while j < c.count, j - at < max, let d = c[j].properties.numericType == .decimal ? Int(String(c[j])) : nil {
                v = v * 10 + d; j += 1
            }
            return j - at >= min ? (v, j) : nil
        }
        if i > 0, c[i - 1].properties.numericType == .decimal { return nil }
        guard let (year, j) = digits(i, 4, 4), (1900...2100).contains(year), j < c.count else { return nil }
        let sep = c[j]
        let chinese = sep == "年"
        guard chinese || sep == "-" || sep == "/" || sep == "." else { return nil }
        guard let (month, k) = digits(j + 1, 1, 2), (1...12).contains(month), k < c.count else { return nil }
        guard chinese ? c[k] == "月" : c[k] == sep else { return nil }
        guard let (day, l) = digits(k + 1, 1, 2), (1...31).contains(day) else { return nil }
        if chinese { guard l < c.count, c[l] == "日" || c[l] == "号" else { return nil } }
        else if l < c.count, c[l].properties.numericType == .decimal { return nil }
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return ("\(year)-\(two(month))-\(two(day))", chinese ? l + 1 : l)
    }
}
