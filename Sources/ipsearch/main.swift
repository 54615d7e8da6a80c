import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

// Exit codes like grep: 0 hits (or success), 1 no hits (or some files skipped), 2 errors — usage
// errors included, which ArgumentParser would otherwise report as 64.
// (Dispatch inside an async function: in top-level code `await asyncCommand.run()` would resolve to
// the synchronous `run()`, swift-argument-parser issue #662.)
func dispatch() async throws {
    var command = try IPSearchCommand.parseAsRoot()
    if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
    } else {
        try command.run()
    }
}

do {
    try await dispatch()
} catch let exit as ExitCode {
    Glibc.exit(exit.rawValue)
} catch {
    let code = IPSearchCommand.exitCode(for: error)
    if code == .success { IPSearchCommand.exit(withError: error) }
    if error is CLIError {
        FileHandle.standardError.write("ipsearch: error: \(error)\n")
    } else {
        FileHandle.standardError.write(IPSearchCommand.fullMessage(for: error) + "\n")
    }
    Glibc.exit(2)
}
