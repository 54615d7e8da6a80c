import IPSearchAnalysis

/// One document from file bytes (or from the store, when a merge rewrites a segment) to what a
/// segment needs: decode → spam spans → zones → metadata → analysis → near-duplicate signature.
/// Every step is the same for a new file and for a merge, so a merged segment equals a rebuilt one.
struct DocumentPipeline {
    let analyzer: Analyzer
    let spamFilter: SpamFilter

    /// A corpus file's bytes → a prepared document, or the reason it cannot be indexed. An HTML page
    /// (`.html`/`.htm`, or bytes that start like one) is indexed, stored and quoted as its visible text.
    func prepare(file: CorpusFile, bytes: [UInt8], contentHash: UInt64) -> Result<PreparedDocument, PipelineFailure> {
        let page: HTMLDocument?
        let text: String, encoding: String
        if HTMLDocument.looksLikeHTML(path: file.path, bytes: bytes) {
            do { page = try HTMLDocument.parse(bytes) } catch { return .failure(PipelineFailure(reason: error.description)) }
            text = page!.text
            encoding = "HTML/" + page!.encoding
        } else {
            let decoded: TextDecoder.Decoded
            do { decoded = try TextDecoder.decode(bytes) } catch { return .failure(PipelineFailure(reason: error.description)) }
            page = nil
            text = decoded.text
            encoding = decoded.encoding
        }
        let name = file.id.split(separator: "/").last.map(String.init) ?? file.id
        let stem = name.split(separator: ".").dropLast().joined(separator: ".")
        let document = analyzer.analyzeDocument(text, spamFilter: spamFilter)
        // Dates and sources are never taken from the boilerplate after the body starts (related-link
        // lists, comment boxes, footers); the date and source lines above the body are the
        // release's own.
        let bodyStart = document.zones.first { $0.kind == .body }?.range.lowerBound ?? 0
        let boilerplate = document.zones.filter { $0.kind == .boilerplate && $0.range.lowerBound >= bodyStart }.map(\.range)
        let extracted = DocumentMetadata.extract(text: text, html: page, boilerplate: boilerplate,
                                                 fallbackTitle: stem.isEmpty ? name : stem)
        // Title: front matter names it outright; a page's <h1>/<title> comes next (spam removed);
        // otherwise the zoner's headline.
        let title: String
        if extracted.titleFromFrontMatter {
            title = extracted.title
        } else if page?.title != nil {
            title = TitleCleaner.clean(extracted.title, spamFilter: spamFilter) ?? extracted.title
        } else {
            title = document.title ?? extracted.title
        }
        let meta = DocumentMeta(id: file.id, title: title, source: extracted.source, url: extracted.url,
                                encoding: encoding, date: extracted.date, spamSpans: document.spamSpans)
        return .success(build(meta: meta, text: text, document: document, contentHash: contentHash,
                              fileSize: file.size, mtimeNanoseconds: file.mtimeNanoseconds))
    }

    private func build(meta: DocumentMeta, text: String, document: DocumentAnalysis, contentHash: UInt64,
                       fileSize: UInt64, mtimeNanoseconds: Int64) -> PreparedDocument {
        let zones = ZoneMap(starts: document.zoneStarts.map { UInt32(clamping: $0) }, kinds: document.zoneKinds)
        return PreparedDocument(contentHash: contentHash, fileSize: fileSize, mtimeNanoseconds: mtimeNanoseconds,
                                meta: meta, text: text, analysis: document.analysis,
                                sourceKey: meta.source.map(SourceKey.fold), zones: zones,
                                signature: NearDuplicates.signature(of: document).values)
    }
}

/// How outlet names are compared (`DocumentMetadata.sourceKey`): folded like documents
/// (Traditional→Simplified, width, case, spaces), so `中國網` = `中国网` and `CCTV` = `ｃｃｔｖ`.
public enum SourceKey {
    public static func fold(_ s: String) -> String { DocumentMetadata.sourceKey(s) }
}

struct PipelineFailure: Error {
    var reason: String
}
