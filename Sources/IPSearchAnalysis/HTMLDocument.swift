import CICU

/// A web page saved as HTML, reduced to what ipsearch indexes: its visible text and its metadata.
///
/// ```swift
/// let page = try HTMLDocument.parse(bytes)
/// page.text          // "国新办举行新闻发布会\n\n国务院新闻办公室定于…"  (what is indexed, stored and quoted)
/// page.title         // "国新办举行新闻发布会"
/// page.metaDate      // "2025-04-24T10:00:00+08:00"  (as written in the <meta>)
/// page.siteName      // "中国网"
/// ```
///
/// **Decoding.** A byte order mark wins; then valid UTF-8 (a GB18030 or Big5 page that is also valid
/// UTF-8 does not occur in practice, while pages that declare `gb2312` but were re-saved as UTF-8 do);
/// then the charset declared by `<meta charset>` or `<meta http-equiv="Content-Type" content="…;
/// charset=…">` in the first 4 KB (gb2312/gbk → GB18030 and big5 variants → Big5, as browsers do),
/// accepted only when every byte is valid in it; otherwise ``TextDecoder``'s detection. The text is
/// then handed to libxml2 as UTF-8 with the document's own declaration ignored.
///
/// **Text.** libxml2's HTML parser builds the tree with recovery (unclosed or misnested tags still give
/// text); the C shim (`cicu_html_extract`) writes the visible text as a browser lays it out: block
/// elements end lines, `<p>`/`<h1>`…`<h6>` leave a blank line, `<br>` breaks the line, whitespace
/// collapses (a source line break between two CJK characters disappears). Scripts, styles,
/// `<noscript>`, `<template>`, embedded objects, form controls, `<nav>`, hidden elements and site
/// chrome are dropped: `role` navigation/banner/contentinfo/search, and `<header>`/`<footer>` that are
/// not inside `<article>`, `<aside>`, `<main>`, `<nav>` or `<section>` (the page's banner and footer;
/// an article's own header, with its headline and date, stays). `<aside>` stays: it is visible, and
/// zoning weighs it as boilerplate.
public struct HTMLDocument: Sendable, Equatable {
    /// The visible text.
    public var text: String
    /// The headline: the first `<h1>` when it agrees with `<title>` (one is a prefix of the other after
    /// folding), else `<title>` without its site suffix; `<h1>` or `og:title` when there is no `<title>`.
    public var title: String?
    /// `<title>` as written (whitespace collapsed).
    public var documentTitle: String?
    /// The site suffix cut from `<title>` (`…发布会_中國網` → `中國網`), nil when there is none.
    public var titleSuffix: String?
    /// The first visible `<h1>`.
    public var h1: String?
    /// `<meta property="og:title">`.
    public var ogTitle: String?
    /// The best publish time among the `<meta>` elements (`article:published_time`, `PubDate`,
    /// `publishdate`, …; see `cicu_html.published`), as written.
    public var metaDate: String?
    /// `<meta property="og:site_name">` (or `<meta name="SiteName">`).
    public var siteName: String?
    /// `<meta name="source">` (or `<meta name="ContentSource">`).
    public var sourceName: String?
    /// `<link rel="canonical">`, else `og:url`.
    public var canonicalURL: String?
    /// The charset the bytes were decoded from: "UTF-8", "GB18030", "Big5", … .
    public var encoding: String

    /// The outlet named by the page's metadata: `og:site_name`, else `<meta name="source">`.
    public var metaSource: String? { siteName ?? sourceName }

    public init(text: String, title: String? = nil, documentTitle: String? = nil, titleSuffix: String? = nil,
                h1: String? = nil, ogTitle: String? = nil, metaDate: String? = nil, siteName: String? = nil,
                sourceName: String? = nil, canonicalURL: String? = nil, encoding: String = "UTF-8") {
        self.text = text; self.title = title; self.documentTitle = documentTitle; self.titleSuffix = titleSuffix
        self.h1 = h1; self.ogTitle = ogTitle; self.metaDate = metaDate; self.siteName = siteName
        self.sourceName = sourceName; self.canonicalURL = canonicalURL; self.encoding = encoding
    }

    /// Decodes and parses a page.
    public static func parse(_ bytes: [UInt8]) throws(HTMLError) -> HTMLDocument {
        let decoded: TextDecoder.Decoded
        do { decoded = try decode(bytes) } catch { throw .decode(error) }
        var raw = cicu_html()
        let utf8 = Array(decoded.text.utf8)
        let rc = utf8.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { cicu_html_extract($0.baseAddress, $0.count, &raw) }
        }
        defer { cicu_html_free(&raw) }
        guard rc == 0 else { throw .parser }
        func string(_ p: UnsafeMutablePointer<CChar>?) -> String? {
            guard let p else { return nil }
            let s = String(cString: p)
            return s.isEmpty ? nil : s
        }
        let text = raw.text.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: raw.text_length), as: UTF8.self) } ?? ""
        var doc = HTMLDocument(text: text, documentTitle: string(raw.title), h1: string(raw.h1),
                               ogTitle: string(raw.og_title), metaDate: string(raw.published),
                               siteName: string(raw.site_name), sourceName: string(raw.source),
                               canonicalURL: string(raw.canonical), encoding: decoded.encoding)
        doc.chooseTitle()
        return doc
    }

    /// Whether a corpus file is a web page: by its extension (`.html`, `.htm`, `.xhtml`, `.shtml`), or
    /// by its first bytes (`<!DOCTYPE html` or `<html`, after a byte order mark, whitespace and
    /// comments), whatever the extension.
    public static func looksLikeHTML(path: String, bytes: [UInt8]) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = name.lastIndex(of: "."),
           ["html", "htm", "xhtml", "shtml"].contains(name[name.index(after: dot)...].lowercased()) {
            return true
        }
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let end = min(bytes.count, 1024)
        func lower(_ b: UInt8) -> UInt8 { (0x41...0x5A).contains(b) ? b + 0x20 : b }
        func at(_ s: String) -> Bool {
            let u = Array(s.utf8)
            guard i + u.count <= bytes.count else { return false }
            for k in 0..<u.count where lower(bytes[i + k]) != u[k] { return false }
            return true
        }
        while i < end {
            let b = bytes[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C { i += 1; continue }
            if at("<!--") {
                guard let close = findBytes(Array("-->".utf8), in: bytes, from: i + 4, to: end) else { return false }
                i = close + 3
                continue
            }
            if at("<!doctype html") { return true }
            if at("<html") {
                let next = i + 5 < bytes.count ? bytes[i + 5] : 0x3E
                return next == 0x3E || next == 0x20 || next == 0x0A || next == 0x0D || next == 0x09
            }
            return false
        }
        return false
    }

    // MARK: Decoding

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> TextDecoder.Decoded {
        if bytes.isEmpty { throw .empty }
        let hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF]) || bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
        if !hasBOM, !bytes.contains(0), String(validating: bytes, as: UTF8.self) == nil,
           let declared = declaredCharset(bytes), declared != "UTF-8",
           let text = TextDecoder.convert(bytes[...], from: declared), !text.isEmpty {
            return try TextDecoder.checked(TextDecoder.Decoded(text: text, encoding: declared))
        }
        return try TextDecoder.decode(bytes)
    }

    /// The charset named by a `<meta>` in the first 4 KB, mapped to the name we decode with.
    static func declaredCharset(_ bytes: [UInt8]) -> String? {
        let end = min(bytes.count, 4096)
        var head = [UInt8](bytes[0..<end])
        for k in head.indices where (0x41...0x5A).contains(head[k]) { head[k] += 0x20 }
        var i = 0
        while let meta = findBytes(Array("<meta".utf8), in: head, from: i, to: end) {
            let close = head[meta...].firstIndex(of: 0x3E) ?? end
            i = meta + 5
            guard let cs = findBytes(Array("charset".utf8), in: head, from: meta, to: close) else { continue }
            var j = cs + 7
            while j < close, head[j] == 0x20 || head[j] == 0x09 { j += 1 }
            guard j < close, head[j] == 0x3D else { continue }  // '='
            j += 1
            while j < close, head[j] == 0x20 || head[j] == 0x09 || head[j] == 0x22 || head[j] == 0x27 { j += 1 }
            var name = ""
            while j < close {
                let b = head[j]
                guard (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == 0x2D || b == 0x5F || b == 0x2E || b == 0x3A else { break }
                name.unicodeScalars.append(Unicode.Scalar(b))
                j += 1
            }
            if !name.isEmpty { return canonicalCharset(name) }
        }
        return nil
    }

    static func canonicalCharset(_ name: String) -> String {
        switch name {
        case "gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "euc-cn", "cp936", "windows-936", "gb18030", "csgb2312", "chinese":
            return "GB18030"
        case "big5", "big5-hkscs", "x-x-big5", "cp950", "csbig5", "cn-big5", "x-big5":
            return "Big5"
        case "utf-8", "utf8", "unicode-1-1-utf-8", "utf-16", "utf-16le", "utf-16be":
            return "UTF-8"  // a <meta> that ASCII bytes could be read in is not UTF-16 (HTML's rule)
        default:
            return name
        }
    }

    static func findBytes(_ needle: [UInt8], in hay: [UInt8], from: Int, to: Int) -> Int? {
        guard !needle.isEmpty, from >= 0, to <= hay.count, to - from >= needle.count else { return nil }
        var i = from
        while i + needle.count <= to {
            if hay[i] == needle[0] {
                var k = 1
                while k < needle.count, hay[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    // MARK: Title

    mutating func chooseTitle() {
        let split = documentTitle.map(Self.splitSiteSuffix)
        titleSuffix = split?.site
        let base = split?.title
        if let h1, let base, !base.isEmpty {
            let t = Self.fold(base), h = Self.fold(h1)
            if !h.isEmpty, (t.hasPrefix(h) && h.count * 2 >= t.count) || (h.hasPrefix(t) && t.count >= 4) {
                title = h1
            } else {
                title = base
            }
        } else {
            title = (base?.isEmpty == false ? base : nil) ?? h1 ?? ogTitle.map { Self.splitSiteSuffix($0).title }
        }
    }

    /// Folded (NFKC, case, Traditional→Simplified) and without whitespace: for comparing titles.
    static func fold(_ s: String) -> String {
        let folded = Normalizer().normalize(Array(s.utf16)).string
        return String(folded.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }

    /// Splits a page title into the headline and the site name after its last separator:
    /// `国新办举行发布会_中國網` → (`国新办举行发布会`, `中國網`); `标题 - 新闻中心 - 新华网` → (`标题`,
    /// `新华网`). A suffix is at most 12 characters without sentence punctuation, and at least 4
    /// characters of headline remain; further segments with the same separator (channel names of at
    /// most 8 characters) go too. `——` (a subtitle dash) and a bare `-` (as in `2023-2025`) are not
    /// separators.
    public static func splitSiteSuffix(_ title: String) -> (title: String, site: String?) {
        let separators = ["|", "｜", "_", " - ", " – ", " — ", "－"]
        func lastSplit(_ s: String, using only: String?, maxSuffix: Int) -> (String, String, String)? {
            var best: (String, String, String)?
            for sep in only.map({ [$0] }) ?? separators {
                guard let r = lastRange(of: sep, in: s) else { continue }
                // "——" is a subtitle dash, not a separator.
                if sep == "—" || sep == " — ", s[r].hasSuffix("—"), r.upperBound < s.endIndex, s[r.upperBound] == "—" { continue }
                let head = s[..<r.lowerBound].trimmingWhitespace(), tail = s[r.upperBound...].trimmingWhitespace()
                guard !tail.isEmpty, tail.count <= maxSuffix, head.count >= 4,
                      !tail.contains(where: { "。，,！!？?；;：:".contains($0) }) else { continue }
                if best == nil || head.count > best!.0.count { best = (head, tail, sep) }
            }
            return best
        }
        let trimmed = title.trimmingWhitespace()
        guard let (head, site, sep) = lastSplit(trimmed, using: nil, maxSuffix: 12) else { return (trimmed, nil) }
        var rest = head
        for _ in 0..<2 {
            guard let (h, _, _) = lastSplit(rest, using: sep, maxSuffix: 8) else { break }
            rest = h
        }
        return (rest, site)
    }

    static func lastRange(of needle: String, in s: String) -> Range<String.Index>? {
        let n = needle.count
        guard n > 0, s.count >= n else { return nil }
        var i = s.index(s.endIndex, offsetBy: -n)
        while true {
            if s[i...].hasPrefix(needle) { return i..<s.index(i, offsetBy: n) }
            if i == s.startIndex { return nil }
            i = s.index(before: i)
        }
    }
}

/// Why a web page could not be read.
public enum HTMLError: Error, Equatable, CustomStringConvertible {
    case decode(DecodeError)
    /// libxml2 gave no document (a page over 2 GB, or out of memory).
    case parser

    public var description: String {
        switch self {
        case .decode(let e): return e.description
        case .parser: return "it could not be parsed as HTML (too large, or out of memory)"
        }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
