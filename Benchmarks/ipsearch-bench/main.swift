// ipsearch-bench: performance measurements of ipsearch, one subcommand per benchmark.
//
//   ipsearch-bench analysis DIR [--repeat N] [--min-time S] [--json]
//   ipsearch-bench archive DIR [--repeat N] [--analyze-sample N] [--threshold X] [--json]
//   ipsearch-bench archive-index --index DIR [--copies FILE] [--parts LIST] [--queries N] [--repeat N] [--json]
//
// To add a benchmark, put it in its own file with an entry point `([String]) -> Int32` (the
// arguments after the subcommand name; returns the exit status) and add a line to `subcommands`.
import Foundation

let subcommands: [(name: String, summary: String, run: ([String]) -> Int32)] = [
    ("analysis", "analyzer throughput against the bare ICU word break iterator", AnalysisBenchmark.main),
    ("queries", "warm query latency (p50/p95/p99) of a query file against an index", QueryBenchmark.main),
    ("archive", "near-duplicate signatures and grouping on the archive corpus, against copies.json", ArchiveBenchmark.main),
    ("archive-index", "grouping cost, group quality and filter/facet/sort query latency on a built archive index", ArchiveQueryBenchmark.main),
]

func printUsage(to stream: UnsafeMutablePointer<FILE>) {
    var text = "usage: ipsearch-bench SUBCOMMAND [ARGUMENTS]\n\nsubcommands:\n"
    for c in subcommands {
        text += "  \(c.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(c.summary)\n"
    }
    fputs(text, stream)
}

let arguments = CommandLine.arguments
if arguments.count < 2 || ["-h", "--help", "help"].contains(arguments[1]) {
    printUsage(to: arguments.count < 2 ? stderr : stdout)
    exit(arguments.count < 2 ? 2 : 0)
}
guard let command = subcommands.first(where: { $0.name == arguments[1] }) else {
    fputs("ipsearch-bench: unknown subcommand '\(arguments[1])'\n", stderr)
    printUsage(to: stderr)
    exit(2)
}
exit(command.run(Array(arguments.dropFirst(2))))
