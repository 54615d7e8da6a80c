import ArgumentParser
import FoundationEssentials
import IPSearch
import IPSearchIndex

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a stored document by its id (its path relative to the corpus)."
    )

    @OptionGroup var location: LocationOptions

    @Flag(help: "Print JSON (id, title, date, source, url, copies, text).")
    var json = false

    @Argument(help: "The document id, e.g. 002_85d345060cabbe51.txt.")
    var id: String

    func run() throws {
        let view: DocumentView?
        do { view = try SnapshotSearcher(reader: IndexReader(directory: location.index)).document(id: id) } catch {
            throw CLIError(error.description)
        }
        guard let view else { throw CLIError("no document with id \(id) in the index (ids are paths relative to the corpus; `ipsearch stats` counts them)") }
        let doc = view.document
        if json {
            FileHandle.standardOutput.write(try DocumentResponse(view).jsonData())
            FileHandle.standardOutput.write("\n")
        } else {
            var header = "\(doc.title)\n\(doc.id)"
            if let date = doc.date { header += " · \(date)" }
            if let source = doc.source { header += " · \(source)" }
            if let url = doc.url { header += "\n\(url)" }
            if doc.meta.spamRemoved > 0 { header += "\ninjected spam removed from the searchable text: \(doc.meta.spamRemoved) span\(doc.meta.spamRemoved == 1 ? "" : "s")" }
            for c in view.copies {
                header += "\ncopy: \(c.id)" + [c.source, c.date].compactMap { $0.map { " · " + $0 } }.joined()
            }
            FileHandle.standardOutput.write(header + "\n\n" + doc.text + (doc.text.hasSuffix("\n") ? "" : "\n"))
        }
    }
}
