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

    @Flag(help: "Print JSON (id, title, date, source, text).")
    var json = false

    @Argument(help: "The document id, e.g. 002_85d345060cabbe51.txt.")
    var id: String

    func run() throws {
        let doc: StoredDocument?
        do { doc = try IndexReader(directory: location.index).document(id: id) } catch { throw CLIError(error.description) }
        guard let doc else { throw CLIError("no document with id \(id) in the index (ids are paths relative to the corpus; `ipsearch stats` counts them)") }
        if json {
            FileHandle.standardOutput.write(DocumentResponse(doc).jsonData())
            FileHandle.standardOutput.write("\n")
        } else {
            var header = "\(doc.title)\n\(doc.id)"
            if let date = doc.date { header += " · \(date)" }
            if let source = doc.source { header += " · \(source)" }
            FileHandle.standardOutput.write(header + "\n\n" + doc.text + (doc.text.hasSuffix("\n") ? "" : "\n"))
        }
    }
}

