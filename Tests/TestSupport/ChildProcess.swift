import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended.
public struct ProcessResult: Sendable {
    public var status: Int32
    /// True when the process was killed by a signal (then `status` is the signal).
    public var signaled: Bool
    public var stdout: String
    public var stderr: String
    /// True when it had to be killed because it did not end within the wait's failure guard.
    public var timedOut: Bool
}

/// A started process whose output goes to files (no pipe can fill up and block it). Its end is
/// signalled by the termination handler: waiting never polls the clock.
public final class ChildProcess: @unchecked Sendable {
    public let process = Process()
    public let stdoutPath: String
    public let stderrPath: String
    private let exited = DispatchSemaphore(value: 0)
    private let done = Locked(false)

    /// - Parameters:
    ///   - environment: added to this process's environment; `NO_COLOR=1` unless given otherwise
    ///     (a key mapped to nil is removed).
    ///   - outputDirectory: where the output files go (a test's temp directory).
    public init(_ executable: String, _ arguments: [String], outputDirectory: String,
                environment: [String: String?] = [:], currentDirectory: String? = nil) throws {
        let tag = UUID().uuidString
        stdoutPath = outputDirectory + "/stdout-\(tag)"
        stderrPath = outputDirectory + "/stderr-\(tag)"
        guard FileManager.default.createFile(atPath: stdoutPath, contents: nil),
              FileManager.default.createFile(atPath: stderrPath, contents: nil) else {
            throw TestSupportError("cannot create output files in \(outputDirectory)")
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    public func kill(_ signal: Int32 = SIGKILL) { _ = Glibc.kill(process.processIdentifier, signal) }

    /// Waits for the process to end; kills it when `timeout` seconds (a failure guard) pass first.
    public func wait(timeout: Double = 120) -> ProcessResult {
        var timedOut = false
        if !done.get() {
            if exited.wait(timeout: .now() + timeout) == .timedOut {
                timedOut = true
                kill()
                exited.wait()
            }
            done.set(true)
        }
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                             stdout: stdout, stderr: stderr, timedOut: timedOut)
    }

    /// Waits until `condition` holds of the output so far (stdout, stderr), or the process has ended,
    /// or `timeout` seconds (a failure guard) pass. Returns whether it holds.
    @discardableResult
    public func waitForOutput(timeout: Double = 60, _ condition: (_ stdout: String, _ stderr: String) -> Bool) -> Bool {
        waitUntil(timeout: timeout) { condition(stdout, stderr) || !process.isRunning }
        return condition(stdout, stderr)
    }

    /// Runs to the end.
    public static func run(_ executable: String, _ arguments: [String], outputDirectory: String,
                           environment: [String: String?] = [:], currentDirectory: String? = nil,
                           timeout: Double = 120) throws -> ProcessResult {
        try ChildProcess(executable, arguments, outputDirectory: outputDirectory, environment: environment,
                         currentDirectory: currentDirectory).wait(timeout: timeout)
    }
}
