/// Everything the indexer needs of one document, from one call (`Analyzer.analyzeDocument`).
///
/// Offsets: `spamSpans`, `zones` and `titleRange` are in UTF-16 units of the **original** text;
/// `zoneStarts` / `zoneKinds` are in **normalized** UTF-16 offsets, the coordinates of
/// `analysis.gramPositions`, so ranking can weigh each gram by `zoneKind(at:)`.
public struct DocumentAnalysis: Sendable {
    /// Words, runs and grams of the text with the spam spans removed.
    public var analysis: Analysis
    /// Injected spam, removed from `analysis.normalized` (sorted, disjoint).
    public var spamSpans: [Range<Int>]
    /// Title, body and boilerplate over the whole original text.
    public var zones: [Zone]
    /// Normalized offset where each zone starts (sorted; the first is 0) and its kind. Zones with
    /// no normalized text are left out and neighbours of one kind merged, so the zone of a gram at
    /// position `p` is the last `k` with `zoneStarts[k] <= p`.
    public var zoneStarts: [Int32]
    public var zoneKinds: [ZoneKind]
    /// The clean title (spam and converter pinyin removed, site suffix dropped, script as in the
    /// document), nil when the document has no headline.
    public var title: String?
    /// The original characters of the title.
    public var titleRange: Range<Int>?
    /// Number of spam spans removed.
    public var spamRemoved: Int { spamSpans.count }

    /// The kind of zone holding normalized offset `position` (`.body` for a document without zones).
    public func zoneKind(at position: Int) -> ZoneKind {
        var lo = 0, hi = zoneStarts.count  // first start > position
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(zoneStarts[mid]) <= position { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? (zoneKinds.first ?? .body) : zoneKinds[lo - 1]
    }

    /// Zone boundaries (original offsets) converted to normalized offsets of `normalized`.
    static func normalizedZones(_ zones: [Zone], _ normalized: NormalizedText) -> ([Int32], [ZoneKind]) {
        var starts: [Int32] = []
        var kinds: [ZoneKind] = []
        var i = 0  // first normalized unit not yet assigned
        let n = normalized.count
        for z in zones {
            // Units whose source starts before the zone's end belong to it (or an earlier zone).
            var j = i
            while j < n, Int(normalized.sourceStart[j]) < z.range.upperBound { j += 1 }
            if j > i {
                if kinds.last == z.kind {
                    // merged with the previous zone of the same kind
                } else {
                    starts.append(Int32(truncatingIfNeeded: i))
                    kinds.append(z.kind)
                }
                i = j
            }
        }
        return (starts, kinds)
    }
}

extension Analyzer {
    /// Analyses a whole document for the index: normalizes once, finds injected spam and leaves it
    /// out of the searchable text (`SpamFilter`, `Normalizer.normalize(_:removing:)`), segments,
    /// makes grams, splits the document into zones and extracts its clean title.
    public func analyzeDocument(_ text: String, spamFilter: SpamFilter) -> DocumentAnalysis {
        analyzeDocument(utf16: Array(text.utf16), spamFilter: spamFilter)
    }

    public func analyzeDocument(utf16 source: [UInt16], spamFilter: SpamFilter) -> DocumentAnalysis {
        let full = normalizer.normalize(source)
        let found = spamFilter.normalizedSpans(in: full, segmenter: segmenter)
        let normalized = found.isEmpty ? full : full.removing(found)
        let spamSpans = found.map { full.sourceRange(of: $0) }
        let analysis = analyze(normalized: normalized)
        let layout = Zones.split(source, spamSpans: spamSpans)
        let (starts, kinds) = DocumentAnalysis.normalizedZones(layout.zones, normalized)
        return DocumentAnalysis(
            analysis: analysis, spamSpans: spamSpans, zones: layout.zones, zoneStarts: starts,
            zoneKinds: kinds, title: layout.title, titleRange: layout.titleRange)
    }
}
