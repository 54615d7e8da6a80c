import Foundation
import IPSearchTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A copy of the repository's corpus and an index directory beside it, in a fresh temp directory,
/// with the built `ipsearch` to run over them.
final class Workspace: @unchecked Sendable {
    let root: TempDirectory
    let ipsearch: String
    var corpus: String { root.path + "/corpus" }
    var index: String { root.path + "/index" }

    /// - Parameter indexed: run `ipsearch index` now (false leaves no index, for first use).
    init(_ label: String, indexed: Bool = true) throws {
        ipsearch = try Repository.ipsearch()
        root = try TempDirectory("command-" + label)
        for name in try Repository.corpusNames() { try copyFile(Repository.corpus + "/" + name, to: corpus + "/" + name) }
        if indexed {
            let r = try run(["index", "--corpus", corpus, "--index", index, "--quiet"])
            guard r.status == 0 else { throw TestSupportError("ipsearch index failed (\(r.status)): \(r.stderr)") }
        }
    }

    /// `ipsearch <arguments>` to its end (NO_COLOR=1 unless `environment` says otherwise).
    func run(_ arguments: [String], environment: [String: String?] = [:]) throws -> ProcessResult {
        let r = try ChildProcess.run(ipsearch, arguments, outputDirectory: root.path, environment: environment)
        #expect(!r.timedOut, "ipsearch \(arguments) did not finish; killed")
        #expect(!r.signaled, "ipsearch \(arguments) died of signal \(r.status); stderr: \(r.stderr)")
        return r
    }

    /// `ipsearch search --index … --corpus … <arguments>`.
    func search(_ arguments: [String], environment: [String: String?] = [:]) throws -> ProcessResult {
        try run(["search", "--index", index, "--corpus", corpus] + arguments, environment: environment)
    }

    /// `ipsearch <arguments>` on a pseudo-terminal (util-linux `script`), as a user at a terminal
    /// runs it: stdout is a terminal. The output is what the terminal received (`\r\n` line ends).
    func runOnTerminal(_ arguments: [String], environment: [String: String?] = [:]) throws -> ProcessResult {
        let command = ([ipsearch] + arguments).map(shellQuote).joined(separator: " ")
        var env = environment
        if env["COLUMNS"] == nil { env["COLUMNS"] = "100" }
        let r = try ChildProcess.run("/usr/bin/script", ["-qec", command, "/dev/null"], outputDirectory: root.path, environment: env)
        #expect(!r.timedOut, "ipsearch \(arguments) on a terminal did not finish; killed")
        return r
    }

    /// The parsed JSON object `ipsearch` printed.
    static func json(_ r: ProcessResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
                     "not a JSON object: \(r.stdout) (stderr: \(r.stderr))")
    }
}

func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

/// Whether `s` has an ANSI escape sequence.
func hasEscape(_ s: String) -> Bool { s.unicodeScalars.contains("\u{1B}") }

/// Whether `s` has a Unicode block element (U+2580–U+259F), as the terminal timeline draws.
func hasBlockElements(_ s: String) -> Bool { s.unicodeScalars.contains { (0x2580...0x259F).contains($0.value) } }

/// `ipsearch serve` as a child process; `port` is read from its URL line (its first stdout line).
final class Server: @unchecked Sendable {
    let child: ChildProcess

    init(_ workspace: Workspace, port: Int = 0, extra: [String] = []) throws {
        child = try ChildProcess(workspace.ipsearch, ["serve", "--index", workspace.index, "--port", String(port)] + extra,
                                 outputDirectory: workspace.root.path)
    }

    /// The URL line, once printed (nil when the process ends first).
    func urlLine() -> String? {
        child.waitForOutput { stdout, _ in stdout.contains("\n") }
        return child.stdout.split(separator: "\n").first.map(String.init)
    }

    static func port(of url: String) -> Int? {
        guard let colon = url.lastIndex(of: ":") else { return nil }
        return Int(url[url.index(after: colon)...].prefix { $0.isNumber })
    }

    func stop() {
        if child.isRunning { child.kill(SIGTERM) }
        _ = child.wait(timeout: 60)
    }
}

extension Workspace {
    /// One indexed workspace shared by the tests that only read it (built once, removed at exit).
    private static let sharedWorkspace = Result { () throws -> Workspace in
        let w = try Workspace("shared")
        removeAtExit(w.root.path)
        return w
    }

    static func shared() throws -> Workspace { try sharedWorkspace.get() }
}
