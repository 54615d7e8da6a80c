import Foundation
import IPSearchTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `ipsearch search` on odd command lines: refused with exit 2 naming the problem, never a trap.
@Suite struct SearchCommandTests {
    @Test func hugeOffsetIsARangeError() throws {
        let box = try Workspace.shared()
        for offset in ["9223372036854775807", "100001", "-1"] {
            let r = try box.search(["--offset", offset, "--", "专利"])
            #expect(!r.signaled && r.status == 2, "--offset \(offset): status \(r.status), stderr: \(r.stderr)")
            #expect(r.stderr.contains("--offset must be between 0 and 100000"), "\(r.stderr)")
        }
        // The largest offset allowed is a page past the end: no hits shown, the total still counted.
        let last = try box.search(["--offset", "100000", "--json", "专利"])
        #expect(last.status == 0, "stderr: \(last.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(last.stdout.utf8)) as? [String: Any])
        #expect((json["hits"] as? [Any])?.isEmpty == true)
        #expect((json["total"] as? Int ?? 0) > 0)
    }

    @Test(arguments: [("--limit", "-1"), ("--limit", "0"), ("--snippets", "-1"), ("--snippet-length", "-5")])
    func negativeValuesAreRangeErrors(_ option: String, _ value: String) throws {
        let box = try Workspace.shared()
        let r = try box.search([option, value, "专利"])
        #expect(r.status == 2, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("\(option) must be between"), "\(r.stderr)")
        #expect(!r.stderr.contains("Missing value"), "\(r.stderr)")
    }

    /// `--` ends the options and is not part of the query.
    @Test func doubleDashIsNotPartOfTheQuery() throws {
        let box = try Workspace.shared()
        func query(_ arguments: [String]) throws -> (query: String, total: Int) {
            let r = try box.search(["--json"] + arguments)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "stderr: \(r.stderr)")
            return (json["query"] as? String ?? "?", json["total"] as? Int ?? -1)
        }
        let plain = try query(["专利"])
        #expect(plain.query == "专利")
        #expect(try query(["--", "专利"]) == plain)
        #expect(try query(["专利", "--"]) == plain)
        // After the first `--`, a `-word` is an exclusion and a second `--` is text.
        let excluded = try query(["--", "专利", "-北京"])
        #expect(excluded.query == "专利 -北京")
        #expect(try query(["--", "--", "专利"]).query == "-- 专利")
    }

    /// A query argument that is not UTF-8 is refused (it used to be searched with U+FFFD in it).
    @Test func invalidUTF8QueryIsRefused() throws {
        let box = try Workspace.shared()
        // (Process takes Strings: the shell's printf makes the bytes.)
        let script = #"exec "$0" search --index "$1" --corpus "$2" "$(printf '\377\376')专利""#
        let r = try ChildProcess.run("/bin/sh", ["-c", script, box.ipsearch, box.index, box.corpus], outputDirectory: box.root.path)
        #expect(r.status == 2, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("not valid UTF-8"), "\(r.stderr)")
        // A real U+FFFD typed in UTF-8 is just a character.
        let typed = try box.search(["\u{FFFD}专利"])
        #expect(typed.status != 2 || !typed.stderr.contains("not valid UTF-8"), "\(typed.stderr)")
    }
}
