import ArgumentParser
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

// Exit codes like grep: 0 hits (or success), 1 no hits (or some files skipped), 2 errors — usage
// errors included, which ArgumentParser would otherwise report as 64.
func report(_ error: any Error) -> Never {
    if let exit = error as? ExitCode { Glibc.exit(exit.rawValue) }
    let code = IPSearchCommand.exitCode(for: error)
    if code == .success { IPSearchCommand.exit(withError: error) }
    if error is CLIError {
        FileHandle.standardError.write("ipsearch: error: \(error)\n")
    } else {
        FileHandle.standardError.write(IPSearchCommand.fullMessage(for: error) + "\n")
    }
    Glibc.exit(2)
}

// A plain `ipsearch <words>` skips ArgumentParser (`CommandLineSearch.plain`); everything else is
// parsed. No `await` in top-level code: that would make `main` async and start the concurrency
// runtime's threads in every process (about a millisecond of a command-line search). Only `serve`
// is async; it runs in a task on the main actor while the main thread serves the main queue.
if let search = CommandLineSearch.plain(Array(CommandLine.arguments.dropFirst())) {
    do { try search.run() } catch { report(error) }
} else {
    parseAndRun()
}

func parseAndRun() {
    do {
        let command = try IPSearchCommand.parseAsRoot()
        if let asyncCommand = command as? any AsyncParsableCommand {
            nonisolated(unsafe) var running = asyncCommand
            Task { @MainActor in
                do {
                    try await running.run()
                    Glibc.exit(0)
                } catch {
                    report(error)
                }
            }
            dispatchMain()
        } else {
            var running = command
            try running.run()
        }
    } catch {
        report(error)
    }
}
