import Testing
import IPSearchAnalysis
import IPSearchTestSupport
@testable import IPSearchIndex

/// `.cols` read back: a segment's columns decode no document's zones when it opens; each accessor
/// decodes the document's zone bytes where it reads them. Every accessor must answer as the zone
/// map the writer was given does.
@Suite struct ColumnsTests {
    /// Random zone maps (starts ascending, runs of one kind allowed, empty maps too), written and
    /// read back through the `.cols` encoding.
    static func roundTrip(seed: UInt64, documents: Int) -> (maps: [ZoneMap], columns: DocumentColumns, titles: [TitleGrams]) {
        var rng = SplitMix64(seed: seed)
        let kinds: [ZoneKind] = [.title, .body, .boilerplate]
        var maps: [ZoneMap] = []
        var titles: [TitleGrams] = []
        let builder = DocumentColumns.Builder()
        for _ in 0..<documents {
            var map = ZoneMap()
            var start: UInt32 = UInt32.random(in: 0...3, using: &rng)
            for _ in 0..<Int.random(in: 0...7, using: &rng) {
                map.starts.append(start)
                map.kinds.append(kinds.randomElement(using: &rng)!)
                start += UInt32.random(in: 0...40, using: &rng)
            }
            maps.append(map)
            var title = TitleGrams()
            (title.low, title.high) = (rng.next(), rng.next())
            titles.append(title)
            builder.add(date: nil, sourceKey: nil, sourceDisplay: nil, titleLength: 0, titleGrams: title, zones: map)
        }
        let bytes = builder.columns.encoded()
        let columns = bytes.withUnsafeBytes { DocumentColumns.decode($0, documents: documents) }
        return (maps, columns!, titles)
    }

    @Test func zonesDecodedWhereTheyAreReadAnswerAsTheWrittenMap() {
        let (maps, columns, titles) = Self.roundTrip(seed: 41, documents: 400)
        for (doc, map) in maps.enumerated() {
            #expect(columns.zones(doc) == map, "document \(doc)")
            #expect(columns.titleGrams(doc) == titles[doc], "document \(doc)")
            #expect(map.titleSpan == columns.titleSpan(doc), "document \(doc)")
            let positions = (0..<200).map { Int32($0) }
            var expected = (title: 0, body: 0, boilerplate: 0)
            for p in positions {
                let kind = map.kind(at: p)
                #expect(columns.zone(doc, at: p) == kind, "document \(doc), position \(p)")
                switch kind {
                case .title: expected.title += 1
                case .body: expected.body += 1
                case .boilerplate: expected.boilerplate += 1
                }
            }
            let counts = columns.zoneCounts(doc, positions: positions[...])
            #expect(counts == expected, "document \(doc)")

            // The first title zone, when another zone follows it.
            var titleZone: Range<Int32>?
            if let k = map.kinds.firstIndex(of: .title), k + 1 < map.starts.count {
                titleZone = Int32(map.starts[k])..<Int32(map.starts[k + 1])
            }
            #expect(columns.titleZone(doc) == titleZone, "document \(doc)")

            // From the first title zone's start to the last one's end.
            var span: Range<Int32>?
            if let first = map.kinds.firstIndex(of: .title), let last = map.kinds.lastIndex(of: .title) {
                let upper = last + 1 < map.starts.count ? Int32(map.starts[last + 1]) : Int32.max
                if Int32(map.starts[first]) < upper { span = Int32(map.starts[first])..<upper }
            }
            #expect(columns.titleSpan(doc) == span, "document \(doc)")
        }
    }

    /// A segment keeps each title span once decoded (ranking asks for every candidate's): the kept
    /// answer is the columns' answer, the first time and every time after, for every document.
    @Test func keptTitleSpansAreTheColumnsTitleSpans() throws {
        let box = try Sandbox("title-spans")
        try box.addBulk(copies: 2)
        try box.run()
        let reader = try IndexReader(directory: box.index)
        var titled = 0
        for segment in reader.segments {
            for doc in 0..<segment.documentCount {
                let expected = segment.columns.titleSpan(doc)
                if expected != nil { titled += 1 }
                #expect(segment.titleSpan(doc) == expected, "\(segment.meta.name) document \(doc)")
                #expect(segment.titleSpan(doc) == expected, "\(segment.meta.name) document \(doc), kept")
            }
            #expect(segment.titleSpan(-1) == nil && segment.titleSpan(segment.documentCount) == nil)
        }
        #expect(titled > 0, "the press releases have titles")
    }

    /// The title terms signature has no false negatives: every gram and mark standing in a
    /// document's title span passes `titleMayHold`, in the segment a build writes and in the one a
    /// merge writes from it; and it keeps most other terms out (press releases, whose titles are
    /// 20–40 characters).
    @Test func theTitleSignatureHoldsEveryTitleTerm() throws {
        let box = try Sandbox("title-grams")
        try box.addBulk(copies: 3)
        try box.run { $0.mergeAll = false }
        try box.addBulk(copies: 2, marker: "more")
        try box.run { $0.mergeAll = false }
        let analyzer = Analyzer()
        var checked = 0, absent = 0, passed = 0
        for merged in [false, true] {
            if merged { try box.run { $0.mergeAll = true } }
            let reader = try IndexReader(directory: box.index)
            #expect(merged ? reader.segments.count == 1 : reader.segments.count >= 2)
            for segment in reader.segments {
                for doc in 0..<segment.documentCount {
                    guard let span = segment.titleSpan(doc) else { continue }
                    let stored = try segment.storedDocument(doc)
                    let normalized = analyzer.normalizer.normalize(Array(stored.text.utf16), removing: stored.meta.spamSpans)
                    let analysis = analyzer.analyze(normalized: normalized)
                    let terms = zip(analysis.grams + analysis.marks, analysis.gramPositions + analysis.markPositions)
                    var inTitle = Set<UInt64>()
                    for (key, p) in terms where span.contains(p) { inTitle.insert(key) }
                    for key in inTitle {
                        let holds = segment.columns.titleMayHold(doc, TitleGrams(key: key))
                        #expect(holds, "document \(doc): title term \(Gram(key: key)) missed")
                        checked += 1
                    }
                    for (key, _) in terms where !inTitle.contains(key) {
                        absent += 1
                        if segment.columns.titleMayHold(doc, TitleGrams(key: key)) { passed += 1 }
                    }
                }
            }
        }
        #expect(checked > 100, "\(checked) title terms checked")
        #expect(absent > 1000 && passed * 4 < absent, "\(passed) of \(absent) terms outside the title pass the signature")
    }

    /// A writer's bug could leave zone bytes that do not parse (the file's checksum holds): reading
    /// them answers "body", never traps.
    @Test func malformedZoneBytesEndTheWalk() {
        var (_, columns, _) = Self.roundTrip(seed: 7, documents: 3)
        columns.zoneBytes = [0x05, 0x81]  // five zones announced, then a truncated varint
        columns.zoneOffsets = [0, 2, 2, 2]
        #expect(columns.zones(0) == ZoneMap())
        #expect(columns.zone(0, at: 10) == .body)
        #expect(columns.titleSpan(0) == nil)
        #expect(columns.zoneCounts(0, positions: [1, 2, 3][...]) == (title: 0, body: 3, boilerplate: 0))
    }
}
