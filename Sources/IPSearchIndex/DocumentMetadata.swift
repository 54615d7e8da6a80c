import CICU
import IPSearchAnalysis

/// Title, date, source and URL of a press release.
///
/// An optional front-matter block at the very top wins for every field it has:
/// ```
/// ---
/// title: 国家知识产权局举行新闻发布会
/// date: 2025-04-24
/// source: 中国网            (a URL here gives its host: https://www.china.org.cn/… → china.org.cn)
/// url: https://www.china.org.cn/a/1.htm
/// ---
/// ```
/// Then, for a web page, its metadata (``HTMLDocument``); then the text:
///
/// - **title**: `<h1>`/`<title>` of a page; else the first line that is not navigation (short crumbs
///   such as `消费资讯`, `检索方式`; `作者:` / `来源:` fields), with site suffixes such as `_中國網` dropped
///   and converter pinyin stripped; a long first paragraph is cut at its first sentence.
/// - **date** (`YYYY-MM-DD`): the page's publish-time `<meta>`; else a labelled date anywhere
///   (`发布时间：2022-09-21`, `發布日期`, a line starting with `日期:`/`时间:`); else, in the first 4,000
///   bytes of the body, whichever comes first of a full date (`2025年4月24日`, `2025-04-24 10:00`,
///   `2022/9/21`, `2022.9.21`) and a wire dateline (`中新經緯11月29日電`, `新华社北京9月20日电`) whose
///   year the document states elsewhere: a full date with the same month and day, else the year most
///   often written (`2024年`, or in full dates; ties: the latest), not counting range ends and targets
///   (`2023—2025年`, `到2035年`). A dateline with no year in the document gives no date.
/// - **source** (the outlet, folded: ``sourceKey(_:)``): the page's `og:site_name`, then
///   `<meta name="source">`, then its `<title>` suffix; else the text's title suffix (`…发布会_中國網`),
///   a `来源:`/`來源:` field (`来源:中国消费者报•中国消费网` → 中国消费者报; not `数据来源`, not generic
///   values like `本站`), the agency of a dateline (`中新經緯11月29日電` → 中新经纬, `新华社北京…电` →
///   新华社); last, the host of the document's URL.
/// - **url**: front matter `url:` (or a `source:` that is a URL), else the page's canonical link.
///
/// Dates and `来源` fields are never taken from related-link lists and similar boilerplate: the zones
/// the caller passes, and the lists found here (a line such as `相关阅读`, `More>>`, `猜你喜欢` and the
/// short lines after it; three or more bullet lines `·…`; three or more short lines that each hold a
/// date). A `来源:` line inside a passed boilerplate zone still counts when the line starts with the
/// field (a zoner marks such field lines as boilerplate; list items start with their headline).
///
/// Cost: the text is scanned as UTF-8 bytes (no `Character` iteration over whole documents); only the
/// title line is handled as Characters.
public struct DocumentMetadata: Equatable, Sendable {
    public var title: String
    public var date: String?
    public var source: String?
    public var url: String?
    /// Where the body starts (after front matter), in Characters of the text.
    var bodyOffset: String.Index
    /// The title was named by front matter (it then wins over any headline found in the text).
    public var titleFromFrontMatter = false

    public static let maxTitleLength = 60

    /// Metadata of a plain-text document (no boilerplate zones known).
    public static func extract(from text: String, fallbackTitle: String) -> DocumentMetadata {
        extract(text: text, html: nil, boilerplate: [], fallbackTitle: fallbackTitle)
    }

    /// Metadata of a document.
    /// - Parameters:
    ///   - text: the decoded text (for a web page: `html.text`, the visible text).
    ///   - html: the parsed page, when the document is one.
    ///   - boilerplate: UTF-16 offset ranges of `text` whose dates and sources are not the document's
    ///     (related-link lists, comment boxes, navigation), e.g. the zoner's boilerplate zones.
    ///   - fallbackTitle: the title when nothing better is found (the file name).
    public static func extract(text: String, html: HTMLDocument?, boilerplate: [Range<Int>],
                               fallbackTitle: String) -> DocumentMetadata {
        var title: String?, date: String?, source: String?, url: String?
        var body = text.startIndex
        var titleFromFrontMatter = false
        if let fm = frontMatter(text) {
            title = fm.fields["title"].flatMap { $0.isEmpty ? nil : $0 }
            titleFromFrontMatter = title != nil
            date = fm.fields["date"].flatMap(normalizeDate)
            if let s = fm.fields["source"], !s.isEmpty {
                if let host = host(ofURL: s) {
                    source = host
                    url = s
                } else {
                    source = s
                }
            }
            if let u = fm.fields["url"], !u.isEmpty { url = u }
            body = fm.end
        }
        let bodyText = text[body...]
        // Title, and the site suffix of the text's own headline line.
        var textSuffix: String?
        if title == nil, let h = html?.title, !h.isEmpty { title = limitTitle(PinyinAnnotation.strip(h)) }
        if title == nil || (source == nil && html == nil) {
            if let found = heuristicTitle(bodyText) {
                if title == nil { title = found.title }
                textSuffix = found.suffix
            }
        }
        if url == nil, let c = html?.canonicalURL, !c.isEmpty { url = c }
        if date == nil, let d = html?.metaDate { date = normalizeDate(d) }
        if source == nil { source = [html?.siteName, html?.sourceName, html?.titleSuffix].lazy.compactMap { $0 }.first { !$0.isEmpty } }
        if source == nil { source = textSuffix }
        if date == nil || source == nil {
            let scan = TextScan(text: text, bodyStart: text.utf8.distance(from: text.startIndex, to: body), boilerplate: boilerplate)
            if date == nil { date = scan.date() }
            if source == nil { source = scan.sourceField() ?? scan.datelineAgency() }
        }
        if source == nil, let url { source = host(ofURL: url) }
        return DocumentMetadata(title: title ?? fallbackTitle, date: date, source: source.flatMap(displaySource),
                                url: url, bodyOffset: body, titleFromFrontMatter: titleFromFrontMatter)
    }

    // MARK: Sources

    /// The form under which sources are compared and filtered: NFKC with case folding, Traditional →
    /// Simplified (``Normalizer``), whitespace removed. `中國網`, `中国网` and `中国网 ` are one source;
    /// so are `CCTV` and `ｃｃｔｖ`.
    public static func sourceKey(_ s: String) -> String {
        let folded = Normalizer().normalize(Array(s.utf16)).string
        var out = String.UnicodeScalarView()
        for u in folded.unicodeScalars where !u.properties.isWhitespace { out.append(u) }
        return String(out)
    }

    /// The form a source is stored and shown in: folded as ``sourceKey(_:)`` (Simplified, half-width),
    /// but with the original's capital Latin letters kept (`CCTV`, not `cctv`) and inner spaces kept
    /// single; nil when nothing is left.
    public static func displaySource(_ s: String) -> String? {
        let units = Array(s.utf16)
        let normalized = Normalizer().normalize(units)
        var out: [UInt16] = []
        out.reserveCapacity(normalized.count)
        for i in 0..<normalized.count {
            var u = normalized.units[i]
            let from = Int(normalized.sourceStart[i])
            if u >= 0x61, u <= 0x7A, from < units.count {
                let o = units[from]
                if (o >= 0x41 && o <= 0x5A) || (o >= 0xFF21 && o <= 0xFF3A) { u -= 0x20 }
            }
            let space = u == 0x20 || u == 0x09 || u == 0x0A || u == 0x0D || u == 0x3000 || u == 0xA0
            if space {
                if let last = out.last, last != 0x20 { out.append(0x20) }
            } else {
                out.append(u)
            }
        }
        while out.last == 0x20 { out.removeLast() }
        return out.isEmpty ? nil : String(decoding: out, as: UTF16.self)
    }

    /// `https://www.china.org.cn/a/1.htm` → `china.org.cn` (lowercased, without `www.`, port and
    /// user); nil when `s` is not an http(s) URL.
    static func host(ofURL s: String) -> String? {
        let lower = s.trimmed().lowercased()
        var rest: Substring
        if lower.hasPrefix("http://") { rest = lower.dropFirst(7) }
        else if lower.hasPrefix("https://") { rest = lower.dropFirst(8) }
        else { return nil }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if let colon = rest.lastIndex(of: ":"), !rest.hasPrefix("[") { rest = rest[..<colon] }
        if rest.hasPrefix("www.") { rest = rest.dropFirst(4) }
        return rest.isEmpty ? nil : String(rest)
    }

    // MARK: Front matter

    static func frontMatter(_ text: String) -> (fields: [String: String], end: String.Index)? {
        var rest = text[...]
        if rest.hasPrefix("\u{FEFF}") { rest = rest.dropFirst() }
        guard rest.utf8.starts(with: "---".utf8) else { return nil }
        // Line by line at the byte level, up to the closing `---`: only the top of the text can hold
        // front matter (at most 8 KB), and splitting Characters of the whole top cost 8% of indexing.
        var fields: [String: String] = [:]
        var first = true, scanned = 0
        while !rest.isEmpty, scanned <= 8_192 {
            let newline = rest.utf8.firstIndex(of: 0x0A) ?? rest.endIndex
            let line = rest[..<newline]
            let next = newline < rest.endIndex ? rest.utf8.index(after: newline) : rest.endIndex
            scanned += line.utf8.count + 1
            rest = rest[next...]
            let trimmed = line.trimmed()
            if first {
                guard trimmed == "---" else { return nil }
                first = false
                continue
            }
            if trimmed == "---" { return (fields, next) }
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

    /// The headline line of a plain text, cleaned, and the site suffix cut from it.
    static func heuristicTitle(_ body: Substring) -> (title: String, suffix: String?)? {
        var scanned = 0
        // Only the top of the document can hold its title: look at its first 40 lines (byte-level
        // line splitting; Character iteration over a whole document is needlessly slow).
        var rest: Substring = Substring(body.utf8.prefix(16_384))
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
            let lower = line.prefix(12).lowercased()
            if fieldPrefixes.contains(where: { lower.hasPrefix($0) }) { continue }
            // Navigation crumbs: short lines.
            if line.utf8.count < 64, line.filter({ !$0.isWhitespace }).count < 8 { continue }
            if line.utf8.count < 120, TextScan.firstFullDate(Array(line.utf8)) != nil, line.count < 40 { continue }  // "2022-09-21 10:11:37 杭州网"
            return cleanTitle(line)
        }
        return nil
    }

    static func cleanTitle(_ line: String) -> (title: String, suffix: String?) {
        // One scalar array of the (at most 200-character) line, then index arithmetic: every
        // separator and sentence end is one scalar (or three), so no Character is needed.
        var chars = Array(PinyinAnnotation.strip(line).unicodeScalars)
        // A wire-story lead: the title starts after its dateline.
        if let end = TitleCleaner.datelineEnd(in: 0..<chars.count, scalar: { chars[$0] }) { chars.removeFirst(end) }
        var suffix: String?
        for separator in TitleCleaner.siteSeparators {
            guard let kept = TitleCleaner.lastSeparator(separator, in: 0..<chars.count, scalar: { chars[$0] }) else { continue }
            let cut = chars[(kept + separator.count)...]
            // "——" is a subtitle dash, not a separator.
            let doubled = separator == ["—"] && ((kept > 0 && chars[kept - 1] == "—") || cut.first == "—")
            if cut.count <= 8, !cut.isEmpty, kept >= 8, !doubled {
                // The tail of a paragraph is no site name: only a headline-sized line has one.
                if chars.count <= 80 { suffix = String(String.UnicodeScalarView(cut)).trimmed() }
                chars.removeSubrange(kept...)
            }
        }
        // A paragraph, not a headline: keep its first sentence.
        if let end = chars.firstIndex(where: TitleCleaner.isSentenceEnd), end >= 6 {
            chars.removeSubrange(end...)
        }
        return (limitTitle(String(String.UnicodeScalarView(chars))), suffix.flatMap { $0.isEmpty ? nil : $0 })
    }

    static func limitTitle(_ title: String) -> String {
        var title = title.trimmed()
        if title.count > maxTitleLength {
            title = String(title.prefix(maxTitleLength - 1)) + "…"
        }
        return title
    }

    // MARK: Dates

    /// A date value as written in front matter or a `<meta>` (`2022年9月21日`, `2025-04-24T10:00:00+08:00`,
    /// `2025-04-24-10:00:46`, `20250424`) as YYYY-MM-DD; nil when it is none.
    static func normalizeDate(_ s: String) -> String? {
        let bytes = Array(s.trimmed().utf8)
        if let d = TextScan.dateAt(bytes, 0) { return d.text }
        // Compact: eight digits, alone or before a time.
        if bytes.count >= 8, bytes[0..<8].allSatisfy(TextScan.isDigit), bytes.count == 8 || !TextScan.isDigit(bytes[8]) {
            let v = bytes[0..<8].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            return TextScan.format(v / 10_000, v / 100 % 100, v % 100)
        }
        return nil
    }
}

/// Byte-level scans of a document's UTF-8 for dates, `来源` fields and datelines, aware of the zones
/// that must not give any (related-link lists and the caller's boilerplate).
struct TextScan {
    let bytes: [UInt8]
    let bodyStart: Int
    /// Lines of the body: [start, end) byte offsets, without the line break.
    var lines: [Range<Int>] = []
    /// Byte ranges whose dates and fields are not the document's, sorted.
    var excluded: [Range<Int>] = []
    /// Byte ranges of the caller's boilerplate, sorted.
    var boilerplate: [Range<Int>] = []
    /// Line indices inside related-link lists (found here).
    var listLines: Set<Int> = []

    static let topRegion = 4_000

    init(text: String, bodyStart: Int, boilerplate utf16Ranges: [Range<Int>]) {
        bytes = Array(text.utf8)
        self.bodyStart = min(max(0, bodyStart), bytes.count)
        var start = self.bodyStart
        let newline: [UInt8] = [0x0A]
        while start < bytes.count {
            let end = Self.find(newline, in: bytes, start..<bytes.count) ?? bytes.count
            lines.append(start..<(end > start && bytes[end - 1] == 0x0D ? end - 1 : end))
            start = end + 1
        }
        boilerplate = Self.byteRanges(utf16Ranges, in: bytes)
        findLists()
        excluded = (boilerplate + listLines.sorted().map { lines[$0] }).sorted { $0.lowerBound < $1.lowerBound }
    }

    // MARK: Zones

    static let listHeadings: [[UInt8]] = [
        "相关阅读", "相關閱讀", "相关新闻", "相關新聞", "相关链接", "相關鏈接", "相關連結", "相关文章", "相關文章",
        "相关报道", "相關報道", "相關報導", "相关推荐", "相關推薦", "推荐阅读", "推薦閱讀", "延伸阅读", "延伸閱讀",
        "热点新闻", "熱點新聞", "热门文章", "熱門文章", "热点推荐", "熱點推薦", "热门推荐", "熱門推薦", "猜你喜欢",
        "猜你喜歡", "往期回顾", "往期回顧", "精彩推荐", "精彩推薦", "本类热点", "本類熱點", "最新文章", "最新新闻",
        "最新新聞", "更多>>", "More>>", "more>>", "上一篇", "下一篇",
    ].map { Array($0.utf8) }

    static let openingBrackets: [[UInt8]] = ["『", "【", "[", "<", "《", "「", "〖", "(", "（"].map { Array($0.utf8) }

    /// Bullets that start the items of a link list.
    static let bullets: [[UInt8]] = ["·", "•", "●", "◆", "■", "▪", "►", "▶", "○", "◇", "□", "*", "-", ">", "》"].map { Array($0.utf8) }

    /// The line without leading and trailing spaces (ASCII, U+3000, NBSP).
    func trimmedLine(_ r: Range<Int>) -> Range<Int> {
        var a = r.lowerBound, b = r.upperBound
        while a < b {
            if bytes[a] == 0x20 || bytes[a] == 0x09 { a += 1 }
            else if a + 2 < b, bytes[a] == 0xE3, bytes[a + 1] == 0x80, bytes[a + 2] == 0x80 { a += 3 }
            else if a + 1 < b, bytes[a] == 0xC2, bytes[a + 1] == 0xA0 { a += 2 }
            else { break }
        }
        while b > a {
            if bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09 { b -= 1 }
            else if b - 3 >= a, bytes[b - 3] == 0xE3, bytes[b - 2] == 0x80, bytes[b - 1] == 0x80 { b -= 3 }
            else if b - 2 >= a, bytes[b - 2] == 0xC2, bytes[b - 1] == 0xA0 { b -= 2 }
            else { break }
        }
        return a..<b
    }

    func starts(_ r: Range<Int>, with p: [UInt8]) -> Bool {
        r.count >= p.count && bytes[r.lowerBound..<(r.lowerBound + p.count)].elementsEqual(p)
    }

    func contains(_ r: Range<Int>, _ p: [UInt8]) -> Bool { find(p, in: r) != nil }

    func find(_ p: [UInt8], in r: Range<Int>) -> Int? {
        Self.find(p, in: bytes, r)
    }

    /// The first occurrence of `p` in `b[r]` (memmem: the scans run over whole documents).
    static func find(_ p: [UInt8], in b: [UInt8], _ r: Range<Int>) -> Int? {
        guard !p.isEmpty, r.lowerBound >= 0, r.upperBound <= b.count, r.count >= p.count else { return nil }
        let at = b.withUnsafeBufferPointer { hay in
            p.withUnsafeBufferPointer { needle in
                cicu_find_bytes(hay.baseAddress.map { $0 + r.lowerBound }, r.count, needle.baseAddress, p.count)
            }
        }
        return at < 0 ? nil : r.lowerBound + Int(at)
    }

    /// The index of the line holding byte `i` (binary search).
    func lineIndex(of i: Int) -> Int? {
        var lo = 0, hi = lines.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lines[mid].upperBound < i { lo = mid + 1 } else { hi = mid }
        }
        return lo < lines.count && lines[lo].lowerBound <= i ? lo : nil
    }

    /// Every occurrence of `p` in the body, in order.
    func occurrences(of p: [UInt8]) -> [Int] {
        var hits: [Int] = []
        var from = bodyStart
        while let h = find(p, in: from..<bytes.count) {
            hits.append(h)
            from = h + p.count
        }
        return hits
    }

    mutating func findLists() {
        let trimmed = lines.map(trimmedLine)
        let n = lines.count
        var bullet = [Bool](repeating: false, count: n), heading = bullet, dated = bullet
        for k in 0..<n {
            let t = trimmed[k]
            if t.isEmpty { continue }
            bullet[k] = Self.bullets.contains { starts(t, with: $0) }
            if t.count <= 40 {
                // The heading word starts the line, after an opening bracket: "『相关阅读』", "相关新闻：".
                var h = t.lowerBound
                for open in Self.openingBrackets where starts(h..<t.upperBound, with: open) { h += open.count; break }
                heading[k] = Self.listHeadings.contains { starts(h..<t.upperBound, with: $0) }
            }
            if t.count <= 120 { dated[k] = Self.firstFullDate(bytes, in: t) != nil }
        }
        // A heading and the short or bulleted lines after it.
        var k = 0
        while k < n {
            guard heading[k] else { k += 1; continue }
            listLines.insert(k)
            k += 1
            while k < n, trimmed[k].count <= 90 || bullet[k] {
                listLines.insert(k)
                k += 1
            }
        }
        // Runs of three or more bullet lines, or of short dated lines (empty lines between allowed).
        for flags in [bullet, dated] {
            var members: [Int] = []
            for k in 0..<n where !trimmed[k].isEmpty {
                if flags[k] {
                    members.append(k)
                } else {
                    if members.count >= 3 { listLines.formUnion(members) }
                    members.removeAll(keepingCapacity: true)
                }
            }
            if members.count >= 3 { listLines.formUnion(members) }
        }
    }

    func isExcluded(_ r: Range<Int>) -> Bool {
        for z in excluded {
            if z.lowerBound >= r.upperBound { return false }
            if z.overlaps(r) { return true }
        }
        return false
    }

    func inBoilerplate(_ r: Range<Int>) -> Bool { boilerplate.contains { $0.overlaps(r) } }

    /// UTF-16 offset ranges → UTF-8 byte ranges of the same text (one pass).
    static func byteRanges(_ ranges: [Range<Int>], in bytes: [UInt8]) -> [Range<Int>] {
        guard !ranges.isEmpty else { return [] }
        let points = Set(ranges.flatMap { [$0.lowerBound, $0.upperBound] }).sorted()
        var map: [Int: Int] = [:]
        var u16 = 0, k = 0
        for (i, b) in bytes.enumerated() where b & 0xC0 != 0x80 {
            while k < points.count, points[k] <= u16 { map[points[k]] = i; k += 1 }
            if k == points.count { break }
            u16 += b >= 0xF0 ? 2 : 1
        }
        while k < points.count { map[points[k]] = bytes.count; k += 1 }
        return ranges.compactMap { r -> Range<Int>? in
            guard let a = map[r.lowerBound], let b = map[r.upperBound], a < b else { return nil }
            return a..<b
        }.sorted { $0.lowerBound < $1.lowerBound }
    }

    // MARK: Dates

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    static func format(_ y: Int, _ m: Int, _ d: Int) -> String? {
        guard (1900...2100).contains(y), (1...12).contains(m), d >= 1 else { return nil }
        let days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d <= days[m - 1] else { return nil }
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))"
    }

    static let nian: [UInt8] = Array("年".utf8), yue: [UInt8] = Array("月".utf8), ri: [UInt8] = Array("日".utf8)
    static let hao: [UInt8] = Array("号".utf8), hao2: [UInt8] = Array("號".utf8)

    static func at(_ bytes: [UInt8], _ i: Int, _ p: [UInt8]) -> Bool {
        i + p.count <= bytes.count && bytes[i..<(i + p.count)].elementsEqual(p)
    }

    /// `YYYY-M-D`, `YYYY/M/D`, `YYYY.M.D` or `YYYY年M月D日` (or 号) starting at `i`.
    static func dateAt(_ b: [UInt8], _ i: Int) -> (text: String, year: Int, month: Int, day: Int, end: Int)? {
        func digits(_ at: Int, _ lo: Int, _ hi: Int) -> (Int, Int)? {
            var j = at, v = 0
            while j < b.count, j - at < hi, isDigit(b[j]) { v = v * 10 + Int(b[j] - 0x30); j += 1 }
            return j - at >= lo ? (v, j) : nil
        }
        if i > 0, isDigit(b[i - 1]) { return nil }
        guard let (year, j) = digits(i, 4, 4), j < b.count else { return nil }
        var k: Int, chinese = false
        let sep = b[j]
        if sep == 0x2D || sep == 0x2F || sep == 0x2E { k = j + 1 }
        else if at(b, j, nian) { k = j + 3; chinese = true }
        else { return nil }
        guard let (month, l) = digits(k, 1, 2), l < b.count else { return nil }
        if chinese { guard at(b, l, yue) else { return nil }; k = l + 3 }
        else { guard b[l] == sep else { return nil }; k = l + 1 }
        guard let (day, e) = digits(k, 1, 2) else { return nil }
        var end = e
        if chinese {
            guard at(b, e, ri) || at(b, e, hao) || at(b, e, hao2) else { return nil }
            end = e + 3
        } else if e < b.count, isDigit(b[e]) {
            return nil
        }
        guard let text = format(year, month, day) else { return nil }
        return (text, year, month, day, end)
    }

    /// The first full date in `range` of `b` (all of it by default): candidates start at four digits.
    static func firstFullDate(_ b: [UInt8], in range: Range<Int>? = nil) -> (text: String, year: Int, month: Int, day: Int, start: Int)? {
        let r = range ?? 0..<b.count
        var run = 0
        var i = r.lowerBound
        while i < r.upperBound {
            run = isDigit(b[i]) ? run + 1 : 0
            if run == 4, let d = dateAt(b, i - 3), d.end <= r.upperBound { return (d.text, d.year, d.month, d.day, i - 3) }
            i += 1
        }
        return nil
    }

    /// Publish labels end in 时间/時間/日期; these are the two characters before.
    static let labelHeads: [[UInt8]] = ["发布", "發布", "發佈", "发表", "發表", "发稿", "發稿", "刊发", "刊發", "发文", "發文"].map { Array($0.utf8) }
    static let labelTails: [[UInt8]] = ["时间", "時間", "日期"].map { Array($0.utf8) }

    /// The document's date from its text (see ``DocumentMetadata``).
    func date() -> String? {
        if let d = labelledDate() { return d }
        let top = bodyStart..<min(bytes.count, bodyStart + Self.topRegion)
        let full = firstFullDate(in: top)
        let dateline = firstDateline(in: top)
        if let dl = dateline, full.map({ dl.start < $0.start }) ?? true, let year = yearFor(month: dl.month, day: dl.day) {
            return Self.format(year, dl.month, dl.day)
        }
        return full?.text
    }

    /// First full date in `range` outside the excluded zones.
    func firstFullDate(in range: Range<Int>) -> (text: String, year: Int, month: Int, day: Int, start: Int)? {
        var from = range.lowerBound
        while from < range.upperBound, let d = Self.firstFullDate(bytes, in: from..<range.upperBound) {
            if !isExcluded(d.start..<(d.start + 4)) { return d }
            from = d.start + 4
        }
        return nil
    }

    /// A date right after a publish label anywhere in the body (`发布时间：2022-09-21`, `發佈日期`), or
    /// after `日期`/`时间` at the start of a line (not `会议时间`).
    func labelledDate() -> String? {
        var ends: [Int] = []
        for tail in Self.labelTails {
            for h in occurrences(of: tail) {
                guard let k = lineIndex(of: h), lines[k].count <= 300, !listLines.contains(k) else { continue }
                let t = trimmedLine(lines[k])
                let labelled = h == t.lowerBound || (h - 6 >= t.lowerBound && Self.labelHeads.contains { Self.at(bytes, h - 6, $0) })
                if labelled { ends.append(h + tail.count) }
            }
        }
        for e in ends.sorted() {
            guard let k = lineIndex(of: e) else { continue }
            let end = lines[k].upperBound
            var i = e
            // ":", "：", spaces, at most a few bytes.
            while i < end, i - e < 8, bytes[i] == 0x3A || bytes[i] == 0x20 || Self.at(bytes, i, [0xEF, 0xBC, 0x9A]) || Self.at(bytes, i, [0xE3, 0x80, 0x80]) {
                i += bytes[i] < 0x80 ? 1 : 3
            }
            if i < end, let d = Self.dateAt(bytes, i), !isExcluded(i..<d.end) { return d.text }
        }
        return nil
    }

    static let dianMarks: [[UInt8]] = ["电", "電", "讯", "訊"].map { Array($0.utf8) }

    /// The first `M月D日电` (電, 讯, 訊) in `range`, outside the excluded zones; `start` is where its
    /// month digits start, `lineStart` where its line starts.
    func firstDateline(in range: Range<Int>) -> (month: Int, day: Int, start: Int, lineStart: Int)? {
        var from = range.lowerBound
        while let p = find(Self.ri, in: from..<range.upperBound) {
            from = p + 3
            var after = p + 3
            while after < bytes.count, bytes[after] == 0x20 { after += 1 }
            guard Self.dianMarks.contains(where: { Self.at(bytes, after, $0) }) else { continue }
            // Back over the day digits, 月, the month digits (one or two each).
            func number(endingAt e: Int) -> (value: Int, start: Int)? {
                var i = e
                while i > range.lowerBound, e - i < 2, Self.isDigit(bytes[i - 1]) { i -= 1 }
                guard i < e, i == range.lowerBound || !Self.isDigit(bytes[i - 1]) else { return nil }
                return (bytes[i..<e].reduce(0) { $0 * 10 + Int($1 - 0x30) }, i)
            }
            guard let day = number(endingAt: p), day.start - 3 >= range.lowerBound, Self.at(bytes, day.start - 3, Self.yue),
                  let month = number(endingAt: day.start - 3), (1...12).contains(month.value), (1...31).contains(day.value) else { continue }
            let j = month.start
            if isExcluded(j..<(p + 3)) { continue }
            let lineStart = lines.first { $0.lowerBound <= j && j <= $0.upperBound }?.lowerBound ?? bodyStart
            return (month.value, day.value, j, lineStart)
        }
        return nil
    }

    static let rangeMarks: [[UInt8]] = ["-", "—", "―", "–", "~", "～", "至", "到", "－"].map { Array($0.utf8) }

    /// The year a dateline's month and day belong to: that of a full date with the same month and
    /// day, else the year written most often (ties: the latest), not counting range ends and targets.
    func yearFor(month: Int, day: Int) -> Int? {
        var counts: [Int: Int] = [:]
        let all = bodyStart..<bytes.count
        var from = all.lowerBound
        while from < all.upperBound, let d = Self.firstFullDate(bytes, in: from..<all.upperBound) {
            from = d.start + 4
            if isExcluded(d.start..<(d.start + 4)) { continue }
            if d.month == month, d.day == day { return d.year }
            counts[d.year, default: 0] += 1
        }
        // "2024年", not "2023—2025年" / "到2035年" (a range's end, a target) and not "2023年—" (a range's start).
        from = all.lowerBound
        while let p = find(Self.nian, in: from..<all.upperBound) {
            from = p + 3
            guard p >= 4, bytes[(p - 4)..<p].allSatisfy(Self.isDigit), p == 4 || !Self.isDigit(bytes[p - 5]) else { continue }
            let y = bytes[(p - 4)..<p].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard (1900...2100).contains(y), !isExcluded((p - 4)..<p) else { continue }
            let before = p - 4
            if Self.rangeMarks.contains(where: { m in before >= m.count && Self.at(bytes, before - m.count, m) }) { continue }
            if Self.rangeMarks.contains(where: { Self.at(bytes, p + 3, $0) }) { continue }
            counts[y, default: 0] += 1
        }
        return counts.max { a, b in a.value < b.value || (a.value == b.value && a.key < b.key) }?.key
    }

    // MARK: Sources

    static let sourceLabels: [[UInt8]] = ["来源", "來源"].map { Array($0.utf8) }
    static let fieldLabels: [[UInt8]] = ["作者", "编辑", "編輯", "责任编辑", "責任編輯", "记者", "記者", "时间", "時間", "日期",
                                         "发布", "發布", "發佈", "点击", "點擊", "浏览", "瀏覽", "阅读", "閱讀", "字号", "字號"].map { Array($0.utf8) }
    static let genericSources: Set<String> = ["本站", "本网", "网络", "互联网", "未知", "原创", "综合", "网友", "转载", "本报", "网站", "其他", "不详"]

    /// Whether the code point starting at `i` is an ideograph (a CJK letter before `来源` makes it
    /// `数据来源`, `资金来源`: not a source field).
    func ideographBefore(_ i: Int) -> Bool {
        var s = i - 1
        while s > 0, bytes[s] & 0xC0 == 0x80 { s -= 1 }
        guard s >= 0, i - s == 3 else { return false }
        let v = (UInt32(bytes[s] & 0x0F) << 12) | (UInt32(bytes[s + 1] & 0x3F) << 6) | UInt32(bytes[s + 2] & 0x3F)
        return (0x3400...0x9FFF).contains(v)
    }

    static let yuan: [UInt8] = Array("源".utf8)

    /// The value of a `来源:` field (see ``DocumentMetadata``).
    func sourceField() -> String? {
        for h in occurrences(of: Self.yuan) {
            let p = h - 3
            guard p >= bodyStart, Self.sourceLabels.contains(where: { Self.at(bytes, p, $0) }),
                  let k = lineIndex(of: p), lines[k].count <= 300, !listLines.contains(k) else { continue }
            let t = trimmedLine(lines[k])
            if Self.bullets.contains(where: { starts(t, with: $0) }) { continue }
            if ideographBefore(p) { continue }
            if inBoilerplate(p..<(h + 3)), !onlyFieldPrefix(t.lowerBound..<p) { continue }
            if let value = fieldValue(from: h + 3, to: t.upperBound) { return value }
        }
        return nil
    }

    /// Whether `r` holds nothing but a date, a time and spaces (so a field starts the line).
    func onlyFieldPrefix(_ r: Range<Int>) -> Bool {
        var i = r.lowerBound
        while i < r.upperBound {
            let b = bytes[i]
            if isDigitOrPunct(b) { i += 1; continue }
            if Self.at(bytes, i, Self.nian) || Self.at(bytes, i, Self.yue) || Self.at(bytes, i, Self.ri) || Self.at(bytes, i, [0xE3, 0x80, 0x80]) { i += 3; continue }
            if Self.at(bytes, i, [0xC2, 0xA0]) { i += 2; continue }
            return false
        }
        return true
    }

    private func isDigitOrPunct(_ b: UInt8) -> Bool {
        Self.isDigit(b) || b == 0x20 || b == 0x09 || b == 0x2D || b == 0x2F || b == 0x3A || b == 0x2E || b == 0x7C
    }

    func fieldValue(from: Int, to end: Int) -> String? {
        var i = from
        var sawColon = false
        while i < end, i - from < 12 {
            if bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1; continue }
            if Self.at(bytes, i, [0xE3, 0x80, 0x80]) { i += 3; continue }
            if bytes[i] == 0x3A { sawColon = true; i += 1; continue }
            if Self.at(bytes, i, [0xEF, 0xBC, 0x9A]) { sawColon = true; i += 3; continue }
            break
        }
        guard sawColon else { return nil }
        // Up to a wide gap, a bar, a line end or the next field label.
        var j = i
        while j < end {
            let b = bytes[j]
            if b == 0x09 || b == 0x7C { break }
            if b == 0x20, j + 1 < end, bytes[j + 1] == 0x20 { break }
            if Self.at(bytes, j, [0xE3, 0x80, 0x80]) || Self.at(bytes, j, [0xEF, 0xBD, 0x9C]) { break }  // U+3000, ｜
            if b == 0x20, Self.fieldLabels.contains(where: { Self.at(bytes, j + 1, $0) }) { break }
            if Self.fieldLabels.contains(where: { Self.at(bytes, j, $0) }), j > i { break }
            j += 1
        }
        var value = String(decoding: bytes[i..<j], as: UTF8.self).trimmed()
        if let host = DocumentMetadata.host(ofURL: value) { return host }
        // "中国消费者报•中国消费网": the outlet, not its website.
        if let cut = value.firstIndex(where: { "•·/、,，;；".contains($0) }) { value = String(value[..<cut]).trimmed() }
        value = value.trimmingCharacters(of: "【】[]《》<>()（）\"'“”")
        if let host = DocumentMetadata.host(ofURL: value) { return host }
        guard value.count >= 2, value.count <= 20, !value.contains(where: { $0 == ":" || $0 == "：" }),
              !Self.genericSources.contains(DocumentMetadata.sourceKey(value)) else { return nil }
        return value
    }

    static let placeNames: [String] = [
        "北京", "上海", "天津", "重庆", "香港", "澳门", "台北", "广州", "深圳", "杭州", "南京", "武汉", "成都", "西安", "长沙",
        "郑州", "济南", "沈阳", "哈尔滨", "长春", "石家庄", "太原", "呼和浩特", "合肥", "福州", "南昌", "南宁", "海口", "贵阳",
        "昆明", "拉萨", "兰州", "西宁", "银川", "乌鲁木齐", "青岛", "大连", "宁波", "厦门", "苏州", "无锡", "温州", "珠海",
        "华盛顿", "纽约", "伦敦", "巴黎", "东京", "日内瓦", "布鲁塞尔", "莫斯科", "柏林", "首尔", "新加坡", "北京时间",
    ].map { DocumentMetadata.sourceKey($0) }

    /// The agency of the lead's dateline: `中新經(jīng)緯11月29日電` → 中新經緯, `新华社北京9月20日电` →
    /// 新华社, `中新网北京…电` → 中新网; nil for a bare place (`北京9月20日电`) or `本报`.
    func datelineAgency() -> String? {
        let top = bodyStart..<min(bytes.count, bodyStart + 1_000)
        guard let dl = firstDateline(in: top), dl.start - dl.lineStart <= 120 else { return nil }
        var prefix = PinyinAnnotation.strip(String(decoding: bytes[dl.lineStart..<dl.start], as: UTF8.self)).trimmed()
        prefix = prefix.trimmingCharacters(of: "【】[]()（）")
        if prefix.hasPrefix("据") || prefix.hasPrefix("據") { prefix.removeFirst() }
        for reporter in ["记者", "記者"] {
            if let r = prefix.range(ofString: reporter) { prefix = String(prefix[..<r.lowerBound]) }
        }
        if let cut = prefix.firstIndex(where: { "-—|/ ".contains($0) }) { prefix = String(prefix[..<cut]) }
        // A place at the end is where the story was filed, not who filed it.
        var changed = true
        while changed {
            changed = false
            let key = DocumentMetadata.sourceKey(prefix)
            for place in Self.placeNames where key.count > 0 && key.hasSuffix(place) {
                prefix = String(prefix.dropLast(place.count))
                changed = true
                break
            }
        }
        prefix = prefix.trimmed()
        guard prefix.count >= 2, prefix.count <= 12,
              prefix.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.isIdeographic }),
              !Self.genericSources.contains(DocumentMetadata.sourceKey(prefix)) else { return nil }
        return prefix
    }
}

extension String {
    func trimmingCharacters(of set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }

    func range(ofString needle: String) -> Range<String.Index>? {
        guard !needle.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: needle.count) }
            i = index(after: i)
        }
        return nil
    }
}
