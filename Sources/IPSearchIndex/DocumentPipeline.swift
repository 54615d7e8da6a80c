import IPSearchAnalysis

/// One document from file bytes (or from the store, when a merge rewrites a segment) to what a
/// segment needs: decode → spam spans → zones → metadata → analysis → near-duplicate signature.
/// Every step is the same for a new file and for a merge, so a merged segment equals a rebuilt one.
struct DocumentPipeline {
    let analyzer: Analyzer

    /// A corpus file's bytes → a prepared document, or the reason it cannot be indexed.
    func prepare(file: CorpusFile, bytes: [UInt8], contentHash: UInt64) -> Result<PreparedDocument, PipelineFailure> {
        let decoded: TextDecoder.Decoded
        do { decoded = try TextDecoder.decode(bytes) } catch { return .failure(PipelineFailure(reason: error.description)) }
        let name = file.id.split(separator: "/").last.map(String.init) ?? file.id
        let stem = name.split(separator: ".").dropLast().joined(separator: ".")
        let extracted = DocumentMetadata.extract(from: decoded.text, fallbackTitle: stem.isEmpty ? name : stem)
        let meta = DocumentMeta(id: file.id, title: extracted.title, source: extracted.source, url: nil,
                                encoding: decoded.encoding, date: extracted.date)
        return .success(build(meta: meta, text: decoded.text, contentHash: contentHash, fileSize: file.size,
                              mtimeNanoseconds: file.mtimeNanoseconds))
    }

    /// A stored document re-analysed for a merge: its metadata is kept as extracted when it was
    /// indexed (an HTML file's `<meta>` fields are not in its stored text).
    func reprepare(_ stored: StoredDocument, record: DocumentRecord) -> PreparedDocument {
        build(meta: stored.meta, text: stored.text, contentHash: record.contentHash, fileSize: record.fileSize,
              mtimeNanoseconds: record.mtimeNanoseconds)
    }

    private func build(meta: DocumentMeta, text: String, contentHash: UInt64, fileSize: UInt64,
                       mtimeNanoseconds: Int64) -> PreparedDocument {
        let analysis = analyzer.analyze(text)
        return PreparedDocument(contentHash: contentHash, fileSize: fileSize, mtimeNanoseconds: mtimeNanoseconds,
                                meta: meta, text: text, analysis: analysis,
                                sourceKey: meta.source.map(SourceKey.fold), zones: ZoneMap(), signature: [])
    }

}

/// How outlet names are compared: folded like documents (Traditional→Simplified, width, case), so
/// `中國網` = `中国网` and `CCTV` = `ｃｃｔｖ`.
public enum SourceKey {
    public static func fold(_ s: String) -> String {
        Normalizer().normalize(Array(s.utf16)).string
    }
}

struct PipelineFailure: Error {
    var reason: String
}
