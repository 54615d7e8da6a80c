/// What part of a document a stretch of text is: ranking weighs a match by it.
public enum ZoneKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case title = 0, body = 1, boilerplate = 2

    public var description: String {
        switch self {
        case .title: return "title"
        case .body: return "body"
        case .boilerplate: return "boilerplate"
        }
    }
}

/// A stretch of the original text (UTF-16 offsets) and its kind.
public struct Zone: Equatable, Sendable, CustomStringConvertible {
    public var kind: ZoneKind
    public var range: Range<Int>

    public init(kind: ZoneKind, range: Range<Int>) {
        self.kind = kind
        self.range = range
    }

    public var description: String { "\(kind)[\(range.lowerBound),\(range.upperBound))" }
}

/// Splits a press release into title, body and boilerplate, line by line, at index time.
///
/// - **Front matter** (`---` … `---` at the very top) is boilerplate, except the value of its
///   `title:` field, which is the title.
/// - **Title**: the first line of the top 40 that is not navigation: not blank, not a crumb (fewer
///   than 8 visible characters: `消费资讯`, `检索方式`), not a field (`作者:`, `來源:`, `requestId:`), not
///   a short date line (`2022-09-21 10:11:37 杭州网`). Of that line, the title is what `TitleCleaner`
///   keeps (spam, pinyin, dateline and site suffix left out; a paragraph cut at its first sentence):
///   the rest of a paragraph is body, a site suffix is boilerplate. The crumbs above it are boilerplate.
///   When that line is only a paragraph (a wire story's lead: dateline dropped or cut at a sentence)
///   and the page names its headline in a `本文链接:`/`原标题:` line, that text (up to a URL) is the
///   title instead, and the lead paragraph is body.
/// - **Boilerplate** after the title:
///   - field lines: `来源/作者/编辑/责任编辑/字号/打印/发布时间/声明/本文链接…:` at the start of a line,
///     or `来源:`/`作者:`/`编辑:` anywhere in a short line (`2022-08-09 来源:中国知识产权报`);
///   - short date or field lines between the title and the first paragraph;
///   - section markers and everything after them up to the next real paragraph (50+ visible
///     characters with a sentence end): share bars (`分享到`), related links (`相关阅读`, `『相关阅读』`,
///     `相关新闻`, `More>>`, `本类热点条目`), comment boxes (`我也来说两句`, `发表评论`, `發佈留言`),
///     disclaimers (`免責聲明`, `聲明:`), copyright footers (`版权所有`, `Copyright`, `ICP备`);
///   - related-link lists anywhere: two or more lines in a row (blank lines between allowed) that are
///     short (at most 50 visible characters), have no sentence end, and start with a bullet
///     (`·`, `•`, `●` …), end in `...`/`…`, or carry a date next to Han text.
/// - **Body**: everything else. Blank lines belong to the zone of the line before them.
///
/// Zones cover the text exactly: every UTF-16 unit is in one zone, zones are sorted and adjacent
/// zones differ in kind.
public enum Zones {
    public struct Layout: Sendable {
        public var zones: [Zone]
        /// The clean title (`TitleCleaner`), nil when the document has none.
        public var title: String?
        /// The original characters of the title.
        public var titleRange: Range<Int>?
    }

    /// The zones of `text` (UTF-16 of the original). `spamSpans` (sorted original ranges, from
    /// `SpamFilter`) are left out of the title.
    public static func split(_ text: [UInt16], spamSpans: [Range<Int>] = []) -> Layout {
        var lines = Line.split(text)
        var title: String?
        var titleRange: Range<Int>?
        var pieces: [Zone] = []
        var first = 0  // first line after front matter

        // Front matter.
        var frontMatterTitle: Range<Int>?
        if let fm = frontMatter(text, lines) {
            for k in 0..<fm.endLine { lines[k].kind = .boilerplate }
            first = fm.endLine
            if let v = fm.titleValue, let t = TitleCleaner.extract(text, v, spamSpans: spamSpans) {
                title = t.title
                titleRange = t.range
                frontMatterTitle = t.range
            }
        }

        // Title line and the crumbs above it.
        var titleLine: Int?
        var firstShort: Int?
        var k = first
        while k < lines.count, k - first < 40 {
            let line = lines[k]
            if line.isBlank { k += 1; continue }
            // Repeated just below as a line of its own or a heading's start (a page title
            // followed by its heading: `索引` / `索引`, `编辑` / `编辑 — Key reference…`): a
            // headline, even when it reads like a field name.
            if line.isCrumb, Zones.isRepeatedBelow(text, lines, k) { titleLine = k; break }
            if line.isField || line.isMarker || (line.hasDate && line.visible < 40) {
                k += 1; continue
            }
            if line.isCrumb {
                // A short numbered heading (`3.12. 克隆`, `第 15 章 对话框`) is a headline, not a crumb.
                if Zones.isNumberedHeading(text, line.content) { titleLine = k; break }
                if firstShort == nil { firstShort = k }
                k += 1; continue
            }
            titleLine = k
            break
        }
        // A top made only of short lines: the first of them is the headline (`参考文献`).
        if titleLine == nil, let s = firstShort { titleLine = s }
        var bodyFrom = first
        // A page whose top holds no headline, only a paragraph (a wire story), often names its
        // headline in a `本文链接:` / `原标题:` line: that is the better title.
        let top = titleLine.flatMap { TitleCleaner.extract(text, lines[$0].content, spamSpans: spamSpans) }
        if titleRange == nil, top == nil || top?.datelineDropped == true || top?.sentenceCut == true,
           let (j, ex) = linkedTitle(text, lines, from: first, spamSpans: spamSpans) {
            title = ex.title
            titleRange = ex.range
            lines[j].kind = .title
            lines[j].split = (ex.range, .boilerplate, .boilerplate)
        }
        if let t = titleLine {
            for j in first..<t where lines[j].kind == nil { lines[j].kind = .boilerplate }
            if let ex = top {
                if titleRange == nil {
                    title = ex.title
                    titleRange = ex.range
                }
                if titleRange == ex.range || title == ex.title {
                    // The title line: before and after the title proper.
                    lines[t].kind = .title
                    lines[t].split = (ex.range, ex.datelineDropped ? .body : .boilerplate, ex.sentenceCut ? .body : .boilerplate)
                } else {
                    lines[t].kind = .body  // front matter named another title
                }
            }
            bodyFrom = t + 1
        }

        // Header block: short date and field lines before the first paragraph.
        k = bodyFrom
        while k < lines.count {
            let line = lines[k]
            if line.isBlank { k += 1; continue }
            if line.visible >= 40 || line.isMarker || line.listItem { break }
            if line.hasDate || line.isField { lines[k].kind = .boilerplate }
            k += 1
        }

        // Fields, markers and what follows them.
        var footer = false
        for j in bodyFrom..<lines.count where lines[j].kind == nil {
            let line = lines[j]
            if line.isBlank { continue }
            if line.isMarker {
                lines[j].kind = .boilerplate
                footer = true
            } else if line.isField {
                lines[j].kind = .boilerplate
            } else if footer {
                if line.visible >= 50, line.sentenceEnd, !line.listItem {
                    footer = false
                } else {
                    lines[j].kind = .boilerplate
                }
            }
        }

        // Related-link lists: runs of two or more list items.
        var j = bodyFrom
        while j < lines.count {
            guard lines[j].kind == nil, lines[j].listItem else { j += 1; continue }
            var run = [j]
            var m = j + 1
            while m < lines.count, lines[m].kind == nil || lines[m].kind == .boilerplate {
                if lines[m].isBlank { m += 1; continue }
                guard lines[m].kind == nil, lines[m].listItem else { break }
                run.append(m)
                m += 1
            }
            if run.count >= 2 { for r in run { lines[r].kind = .boilerplate } }
            j = m
        }

        // Pieces: blank lines inherit the kind of the line before (at the top: the line after).
        var previous: ZoneKind?
        for line in lines where !line.isBlank {
            previous = previous ?? line.kind ?? .body
            break
        }
        for line in lines {
            let kind: ZoneKind
            if line.isBlank {
                kind = previous ?? .body
            } else {
                kind = line.kind ?? .body
            }
            if kind == .title, let (r, before, after) = line.split {
                pieces.append(Zone(kind: before, range: line.range.lowerBound..<r.lowerBound))
                pieces.append(Zone(kind: .title, range: r))
                pieces.append(Zone(kind: after, range: r.upperBound..<line.range.upperBound))
                previous = after
            } else {
                pieces.append(Zone(kind: kind == .title ? .body : kind, range: line.range))
                previous = kind == .title ? .body : kind
            }
        }
        // Front matter: its title value is the title.
        if let r = frontMatterTitle { pieces = carve(pieces, r, .title) }
        return Layout(zones: merge(pieces, count: text.count), title: title, titleRange: titleRange)
    }

    /// Whether line `k`'s text is, within the next three non-blank lines, the start of one followed
    /// by a space (`文件` / `文件 — Key reference for the File menu`), or a whole line again with no
    /// headline of its own after the pair (`索引` / `索引` / `符号`, but not the repeated section
    /// name `消费资讯` / `消费资讯` above a press release's headline).
    static func isRepeatedBelow(_ text: [UInt16], _ lines: [Line], _ k: Int) -> Bool {
        let head = Array(text[lines[k].content])
        guard !head.isEmpty else { return false }
        var seen = 0, m = k + 1
        while m < lines.count, seen < 3 {
            defer { m += 1 }
            if lines[m].isBlank { continue }
            seen += 1
            let other = lines[m].content
            if other.count > head.count + 1, text[other.lowerBound..<(other.lowerBound + head.count)].elementsEqual(head),
               Line.isSpace(text[other.lowerBound + head.count]) {
                return true
            }
            if other.count == head.count, text[other].elementsEqual(head) {
                var n = m + 1
                while n < lines.count, lines[n].isBlank { n += 1 }
                guard n < lines.count else { return true }
                let next = lines[n]
                let headline = !next.isCrumb && !next.sentenceEnd && next.visible < 50 && !next.isField && !next.hasDate
                return !headline
            }
        }
        return false
    }

    /// `pieces` with `range` set to `kind`.
    /// `3.12. 克隆`, `1 概述`, `第 15 章 对话框`, `第3节 …`: a section number, then a Han or Latin title.
    static func isNumberedHeading(_ text: [UInt16], _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        let end = range.upperBound
        func isDigit(_ u: UInt16) -> Bool { u >= 0x30 && u <= 0x39 }
        if i < end, text[i] == 0x7B2C {  // 第
            i += 1
            while i < end, Line.isSpace(text[i]) { i += 1 }
            let start = i
            while i < end, isDigit(text[i]) || (text[i] >= 0x4E00 && "一二三四五六七八九十百".utf16.contains(text[i])) { i += 1 }
            guard i > start else { return false }
            while i < end, Line.isSpace(text[i]) { i += 1 }
            guard i < end, text[i] == 0x7AE0 || text[i] == 0x8282 || text[i] == 0x7BC7 || text[i] == 0x90E8 else { return false }  // 章节篇部
            return i + 1 < end
        }
        let start = i
        while i < end, isDigit(text[i]) || text[i] == 0x2E { i += 1 }
        guard i > start, isDigit(text[start]) else { return false }
        let hadSpace = i < end && Line.isSpace(text[i])
        while i < end, Line.isSpace(text[i]) { i += 1 }
        guard i < end, hadSpace || text[i - 1] == 0x2E else { return false }
        let u = text[i]
        return (u >= 0x4E00 && u <= 0x9FFF) || (u >= 0x41 && u <= 0x5A) || (u >= 0x61 && u <= 0x7A)
    }

    static func carve(_ pieces: [Zone], _ range: Range<Int>, _ kind: ZoneKind) -> [Zone] {
        var out: [Zone] = []
        for p in pieces {
            if p.range.upperBound <= range.lowerBound || p.range.lowerBound >= range.upperBound {
                out.append(p)
                continue
            }
            out.append(Zone(kind: p.kind, range: p.range.lowerBound..<max(p.range.lowerBound, range.lowerBound)))
            out.append(Zone(kind: kind, range: max(p.range.lowerBound, range.lowerBound)..<min(p.range.upperBound, range.upperBound)))
            out.append(Zone(kind: p.kind, range: min(p.range.upperBound, range.upperBound)..<p.range.upperBound))
        }
        return out
    }

    /// Drops empty pieces and merges neighbours of one kind; the result covers `0..<count`.
    static func merge(_ pieces: [Zone], count: Int) -> [Zone] {
        var out: [Zone] = []
        for p in pieces where !p.range.isEmpty {
            if let last = out.last, last.kind == p.kind, last.range.upperBound == p.range.lowerBound {
                out[out.count - 1].range = last.range.lowerBound..<p.range.upperBound
            } else {
                out.append(p)
            }
        }
        if out.isEmpty, count > 0 { out.append(Zone(kind: .body, range: 0..<count)) }
        return out
    }

    /// Line prefixes that name the page's own headline, followed by a colon.
    static let linkedTitlePrefixes: [[UInt16]] = ["本文链接", "本文鏈接", "原标题", "原標題", "原文标题", "原文標題"].map { Array($0.utf16) }

    /// The headline named by a `本文链接:` line (its text up to the URL) or an `原标题:` line.
    static func linkedTitle(_ text: [UInt16], _ lines: [Line], from first: Int, spamSpans: [Range<Int>]) -> (Int, TitleCleaner.Extracted)? {
        for j in first..<lines.count where lines[j].isField || lines[j].visible < 200 {
            let c = lines[j].content
            for prefix in linkedTitlePrefixes where c.count > prefix.count + 1 {
                guard text[c.lowerBound..<(c.lowerBound + prefix.count)].elementsEqual(prefix) else { continue }
                var a = c.lowerBound + prefix.count
                while a < c.upperBound, Line.isSpace(text[a]) { a += 1 }
                guard a < c.upperBound, text[a] == 0x3A || text[a] == 0xFF1A else { continue }
                a += 1
                // Up to a URL.
                var b = a
                while b < c.upperBound {
                    if b + 4 <= c.upperBound, text[b] == 0x68, text[b + 1] == 0x74, text[b + 2] == 0x74, text[b + 3] == 0x70 { break }
                    b += 1
                }
                if let ex = TitleCleaner.extract(text, a..<b, spamSpans: spamSpans), ex.title.count >= 6 {
                    return (j, ex)
                }
            }
        }
        return nil
    }

    // MARK: Front matter

    /// Where the text after a leading front matter block starts (UTF-16 offset after its closing
    /// `---` line), or nil without one: what snippets never show (the title, date and source it
    /// names are shown as fields).
    public static func frontMatterEnd(_ text: [UInt16]) -> Int? {
        guard text.count >= 3, text[0] == 0x2D, text[1] == 0x2D, text[2] == 0x2D else { return nil }
        // The block ends at its closing rule, within its first `frontMatterLines` lines: split only
        // that far (a snippet asks this of every hit, and most of a document is after the block).
        let n = text.count
        var start = 0, cut = -1
        for k in 0..<frontMatterLines where start < n {
            var end = start
            while end < n, text[end] != 0x0A { end += 1 }
            var a = start, b = end
            while a < b, Line.isSpace(text[a]) { a += 1 }
            while b > a, Line.isSpace(text[b - 1]) { b -= 1 }
            start = end < n ? end + 1 : end
            if k > 0, b - a == 3, text[a] == 0x2D, text[a + 1] == 0x2D, text[a + 2] == 0x2D { cut = start; break }
        }
        guard cut > 0 else { return nil }
        let lines = Line.split(Array(text[..<cut]), analyzing: false)
        guard let fm = frontMatter(text, lines), fm.endLine > 0 else { return nil }
        return lines[fm.endLine - 1].range.upperBound
    }

    /// A front matter block closes within this many lines, or is not one.
    static let frontMatterLines = 80

    static func frontMatter(_ text: [UInt16], _ lines: [Line]) -> (endLine: Int, titleValue: Range<Int>?)? {
        guard let firstLine = lines.first, lines.count >= 2 else { return nil }
        func isRule(_ l: Line) -> Bool {
            l.content.count == 3 && text[l.content.lowerBound] == 0x2D && text[l.content.lowerBound + 1] == 0x2D
                && text[l.content.lowerBound + 2] == 0x2D
        }
        guard isRule(firstLine) else { return nil }
        var titleValue: Range<Int>?
        for k in 1..<min(lines.count, frontMatterLines) {
            let l = lines[k]
            if isRule(l) { return (k + 1, titleValue) }
            let s = l.content
            // "title:" (any case), then the value, unquoted.
            let key = Array("title:".utf16)
            guard s.count > key.count else { continue }
            var match = true
            for (i, u) in key.enumerated() {
                let c = text[s.lowerBound + i]
                if (c | 0x20) != u && c != u { match = false; break }
            }
            guard match else { continue }
            var a = s.lowerBound + key.count, b = s.upperBound
            while a < b, Line.isSpace(text[a]) { a += 1 }
            if b - a >= 2, text[a] == text[b - 1], text[a] == 0x22 || text[a] == 0x27 { a += 1; b -= 1 }
            if a < b { titleValue = a..<b }
        }
        return nil
    }
}

/// One line of the original and what the zone rules need to know about it.
struct Line {
    /// The line including its line break.
    var range: Range<Int>
    /// The line without surrounding white space and without the break.
    var content: Range<Int>
    /// Visible (non-space) characters; beyond the first `headWidth` units, every unit counts.
    var visible = 0
    var isBlank: Bool { visible == 0 }
    var hasDate = false
    var sentenceEnd = false
    var isField = false
    var isMarker = false
    var isCrumb = false
    var listItem = false
    var kind: ZoneKind?
    /// For the title line: the title's range and the kinds before and after it.
    var split: (Range<Int>, ZoneKind, ZoneKind)?

    func string(_ text: [UInt16]) -> String { String(decoding: text[content], as: UTF16.self) }

    @inline(__always)
    static func isSpace(_ u: UInt16) -> Bool {
        if u > 0x20 && u < 0x7F { return false }
        return u == 0x20 || u == 0x09 || u == 0x0D || u == 0x0A || u == 0x0B || u == 0x0C || u == 0xA0
            || u == 0x3000 || u == 0xFEFF || (u >= 0x2000 && u <= 0x200B) || u == 0x202F || u == 0x205F
    }

    /// The lines of `text`; without `analyzing`, only their ranges (what `frontMatter` reads).
    static func split(_ text: [UInt16], analyzing: Bool = true) -> [Line] {
        var lines: [Line] = []
        var start = 0
        let n = text.count
        while start < n {
            var end = start
            while end < n, text[end] != 0x0A { end += 1 }
            let next = end < n ? end + 1 : end
            var a = start, b = end
            while a < b, isSpace(text[a]) { a += 1 }
            while b > a, isSpace(text[b - 1]) { b -= 1 }
            var line = Line(range: start..<next, content: a..<b)
            if analyzing { line.analyze(text) }
            lines.append(line)
            start = next
        }
        return lines
    }

    static let bullets: Set<UInt16> = Set("·•●▪◆■□○◇►▶◎※・".utf16)
    @inline(__always)
    static func isSentenceEnd(_ u: UInt16) -> Bool {
        // 。！？!?；;
        u == 0x3002 || u == 0xFF01 || u == 0xFF1F || u == 0x21 || u == 0x3F || u == 0xFF1B || u == 0x3B
    }
    /// Field names: a field line starts with one, then a colon.
    static let fieldNames: [[UInt16]] = [
        "来源", "來源", "作者", "编辑", "編輯", "责任编辑", "責任編輯", "责编", "責編", "分类", "分類", "字号", "字號",
        "打印", "时间", "時間", "发布时间", "發布時間", "發佈時間", "发布日期", "發布日期", "日期", "浏览", "瀏覽",
        "点击", "點擊", "阅读", "閱讀", "requestid", "标签", "標籤", "关键词", "關鍵詞", "声明", "聲明", "本文链接",
        "本文鏈接", "原文链接", "原文鏈接", "原标题链接", "文章来源", "文章來源", "稿源", "出处", "出處", "摄影", "攝影",
        "图片来源", "圖片來源", "链接", "鏈接", "網址", "网址",
    ].map { Array($0.utf16) }
    /// Fields recognised anywhere in a short line.
    static let inlineFields: [[UInt16]] = ["来源:", "來源:", "来源：", "來源：", "作者:", "作者：", "编辑:", "編輯:", "编辑：", "編輯："].map { Array($0.utf16) }
    /// Section markers at the start of a line (any length).
    static let markers: [[UInt16]] = [
        "分享到", "分享至", "相关阅读", "相關閱讀", "相关新闻", "相關新聞", "相关文章", "相關文章", "相关链接", "相關鏈接",
        "延伸阅读", "延伸閱讀", "推荐阅读", "推薦閱讀", "热点推荐", "熱點推薦", "本类热点", "本類熱點", "热门文章", "熱門文章",
        "我也来说两句", "我也來說兩句", "发表评论", "發表評論", "网友评论", "網友評論", "发布留言", "發佈留言", "發布留言",
        "免责声明", "免責聲明", "版权声明", "版權聲明", "版权所有", "版權所有", "copyright", "©", "本文内容", "本文內容",
        "more>>", "更多>>", "更多>", "more>",
    ].map { Array($0.utf16) }
    /// Markers of short lines only (at most 20 visible characters).
    static let shortMarkers: [[UInt16]] = [
        "留言", "评论", "評論", "上一篇", "下一篇", "返回顶部", "返回頂部", "关闭窗口", "關閉窗口", "打印本页", "打印本頁",
        "扫一扫", "掃一掃", "登录", "登錄", "会员登录", "會員登錄", "用户名", "用戶名",
    ].map { Array($0.utf16) }
    /// Markers found anywhere in a line of at most 120 visible characters.
    static let inlineMarkers: [[UInt16]] = [
        "版权所有", "版權所有", "copyright", "icp备", "icp證", "icp证", "免责声明", "免責聲明", "公网安备", "公網安備",
    ].map { Array($0.utf16) }
    /// Units of a line examined one by one (see `analyze`).
    static let headWidth = 160

    /// Bit `u` set when a field name or a start-of-line marker starts with unit `u`.
    static let nameStarts: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 1024)
        for w in fieldNames + markers + shortMarkers { if let u = w.first { bits[Int(u >> 6)] |= 1 << UInt64(u & 63) } }
        return bits
    }()
    /// Leading decoration skipped before matching a field or marker.
    static let openers: Set<UInt16> = Set("『「【[〔(（<《\"“".utf16)

    mutating func analyze(_ text: [UInt16]) {
        // Names are matched from `headStart` on, after leading decoration, ASCII lowercased.
        var i = content.lowerBound
        while i < content.upperBound, Line.openers.contains(text[i]) || Line.isSpace(text[i]) { i += 1 }
        var digits = 0, han = 0, visible = 0
        var sentenceEnd = false, hasDate = false
        let range = content
        // The rules look closely only at short lines: of a long line (a paragraph) the head tells
        // everything but whether a sentence ends somewhere.
        let scanned = range.lowerBound..<min(range.upperBound, range.lowerBound + Line.headWidth)
        text.withUnsafeBufferPointer { t in
            var k = scanned.lowerBound
            while k < scanned.upperBound {
                let u = t[k]
                if !Line.isSpace(u), !UTF16.isTrailSurrogate(u) { visible += 1 }
                if Line.isSentenceEnd(u) { sentenceEnd = true }
                if u >= 0x4E00 && u <= 0x9FFF { han += 1 }
                if u >= 0x30 && u <= 0x39 {
                    digits += 1
                    // YYYY-M / YYYY年M / YYYY/M / YYYY.M
                    if digits == 4, k + 2 < range.upperBound, !hasDate {
                        let sep = t[k + 1], next = t[k + 2]
                        if sep == 0x2D || sep == 0x2F || sep == 0x2E || sep == 0x5E74, next >= 0x30 && next <= 0x39,
                           k < range.lowerBound + 4 || !(t[k - 4] >= 0x30 && t[k - 4] <= 0x39) {
                            var y = 0
                            for d in (k - 3)...k { y = y * 10 + Int(t[d]) - 0x30 }
                            if y >= 1900 && y <= 2100 { hasDate = true }
                        }
                    }
                } else {
                    digits = 0
                }
                k += 1
            }
            visible += range.upperBound - scanned.upperBound
            if !sentenceEnd {
                var k = scanned.upperBound
                while k < range.upperBound, !Line.isSentenceEnd(t[k]) { k += 1 }
                sentenceEnd = k < range.upperBound
            }
        }
        self.visible = visible
        self.sentenceEnd = sentenceEnd
        self.hasDate = hasDate
        let headStart = i
        if visible == 0 { return }
        let end = content.upperBound
        @inline(__always) func lower(_ u: UInt16) -> UInt16 { u >= 0x41 && u <= 0x5A ? u + 0x20 : u }
        func starts(_ word: [UInt16]) -> Bool {
            guard end - headStart >= word.count else { return false }
            for k in word.indices where lower(text[headStart + k]) != word[k] { return false }
            return true
        }
        func contains(_ word: [UInt16]) -> Bool {
            guard let first = word.first, content.count >= word.count else { return false }
            var s = content.lowerBound
            while s <= end - word.count {
                if lower(text[s]) == first {
                    var k = 1
                    while k < word.count, lower(text[s + k]) == word[k] { k += 1 }
                    if k == word.count { return true }
                }
                s += 1
            }
            return false
        }
        // Most lines start with no field or marker name: one bitmap test decides it.
        let h = headStart < end ? lower(text[headStart]) : 0
        let named = Line.nameStarts[Int(h >> 6)] & (1 << UInt64(h & 63)) != 0
        for name in Line.fieldNames where named && starts(name) {
            var j = headStart + name.count
            while j < end, Line.isSpace(text[j]) { j += 1 }
            if j == end || text[j] == 0x3A || text[j] == 0xFF1A { isField = true; break }
        }
        if !isField, visible <= 60, Line.inlineFields.contains(where: contains) { isField = true }
        isMarker = (named && Line.markers.contains(where: starts))
            || (named && visible <= 20 && Line.shortMarkers.contains(where: starts))
            || (visible <= 120 && Line.inlineMarkers.contains(where: contains))
        isCrumb = visible < 8 && content.count < 32
        let bullet = Line.bullets.contains(text[content.lowerBound])
        let last = text[content.upperBound - 1]
        let ellipsis = last == 0x2026
            || (content.count >= 3 && last == 0x2E && text[end - 2] == 0x2E && text[end - 3] == 0x2E)
        let fullStop = last == 0x3002
        listItem = visible <= 50 && !fullStop && (bullet || ellipsis || (hasDate && han >= 4 && !sentenceEnd))
    }
}
