// Helpers shared by the test targets.
import Foundation
import Model
import Queue
import Synchronization
import Testing

/// A clock the test moves by hand, so lease expiry and backoff need no sleeping.
public final class ManualClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }

    public var now: Date { current.withLock { $0 } }

    public func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A fresh directory under the system temp dir, removed by the caller's `defer`.
public struct TemporaryDirectory {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("wireroom-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    public func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Where `swift build` put the package's executables (beside the test bundle).
public func builtProduct(_ name: String) -> URL {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory.deleteLastPathComponent()
    }
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
}

/// The package's root directory, where tests find its samples, fixtures and docs.
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A story of the sample site (`samples/stories`): its header fields and its paragraphs, a
/// subheading as a paragraph of its own.
public struct SampleStory: Sendable {
    public var name: String
    public var fields: [String: String]
    public var paragraphs: [String]

    public init(file: URL) throws {
        name = file.deletingPathExtension().lastPathComponent
        let text = try String(contentsOf: file, encoding: .utf8)
        let parts = text.components(separatedBy: "\n\n")
        fields = Dictionary(parts[0].split(separator: "\n").map { line in
            let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return (pair[0], pair.count > 1 ? pair[1] : "")
        }, uniquingKeysWith: { first, _ in first })
        paragraphs = parts.dropFirst().map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            .map { $0.hasPrefix("## ") ? String($0.dropFirst(3)) : $0 }
    }

    /// The five seed stories the project was founded on (`000`–`004`): the Dutch and English
    /// reports of one leaked recording and of one prison visit, and one more story of the crisis.
    public static func seeds() throws -> [SampleStory] {
        let directory = packageRoot.appendingPathComponent("samples/stories")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("00") && $0.hasSuffix(".txt") }.sorted()
            .map { try SampleStory(file: directory.appendingPathComponent($0)) }
    }
}

/// A Python test server on a free loopback port, killed when the test drops it; it also exits by
/// itself after `maxSeconds`. `hostile` is `Tests/Fixtures/hostile_server.py`; `fixture` runs any
/// script from `Tests/Fixtures`.
public final class LocalServer: @unchecked Sendable {
    public let port: Int
    private let process = Process()

    public static func hostile(robots: String = "allow", maxSeconds: Int = 120) throws -> LocalServer {
        try fixture("hostile_server.py", arguments: ["--robots", robots], maxSeconds: maxSeconds)
    }

    public static func fixture(_ name: String, arguments: [String] = [], maxSeconds: Int = 120) throws -> LocalServer {
        try LocalServer(script: packageRoot.appendingPathComponent("Tests/Fixtures/\(name)"), arguments: arguments, maxSeconds: maxSeconds)
    }

    /// The sample site (`samples/sample_site.py`), built into `directory` for this server's port
    /// (with its `truth.jsonl`) and served; `outlet(_:_:)` makes its URLs.
    public static func sampleSite(in directory: String, maxSeconds: Int = 600) throws -> LocalServer {
        try LocalServer(script: packageRoot.appendingPathComponent("samples/sample_site.py"), arguments: ["serve", directory], maxSeconds: maxSeconds)
    }

    /// A URL on one of the sample site's outlets (`koerier`, `eastwire`, `northradio`, `dispatch`).
    public func outlet(_ name: String, _ path: String) -> String { "http://\(name).localhost:\(port)\(path)" }

    private init(script: URL, arguments: [String], maxSeconds: Int) throws {
        port = try Self.freePort()
        // Debian's python3 directly: a wrapper (pyenv's shim, env) would not pass a signal on.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, "--port", String(port), "--max-seconds", String(maxSeconds)] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try Self.waitUntilListening(port: port)
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// The body of a GET of `path` (a fixture's own report: `/hits`, `/count`), fetched by
    /// Python's urllib so no code under test is involved.
    public func get(_ path: String) throws -> Data {
        try runProcess(URL(fileURLWithPath: "/usr/bin/python3"),
                       ["-c", "import urllib.request,sys; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())", url(path)]).output
    }

    /// A port the kernel reports free right now.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits up to 60 s: hostile_server.py prepares its payloads (a gzip bomb among them) before it
    /// listens, which takes seconds when the machine is busy running other tests.
    public static func waitUntilListening(port: Int) throws {
        for _ in 0..<1200 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return }
            usleep(50_000)
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "test server did not start on port \(port)"])
    }
}

extension JobQueue {
    /// The count of `stage` jobs in `state`.
    public func count(_ stage: Stage, _ state: JobState) throws -> Int {
        try stats().stages[stage.rawValue]?[state.rawValue] ?? 0
    }
}

/// What a finished process printed, and how it ended.
public struct ProcessRun: Sendable {
    public var status: Int32
    public var output: Data
    public var errors: Data

    public var stdout: String { String(decoding: output, as: UTF8.self) }
    public var stderr: String { String(decoding: errors, as: UTF8.self) }
}

/// Runs `executable` with `arguments` (and `environment`, else ours) to the end, feeding it `stdin`, collecting both outputs.
/// Reads stderr on another thread, so neither pipe can fill up and stall the process.
public func runProcess(_ executable: URL, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil) throws -> ProcessRun {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    let errors = Mutex(Data())
    let errorsRead = DispatchSemaphore(value: 0)
    Thread {
        errors.withLock { $0 = err.fileHandleForReading.readDataToEndOfFile() }
        errorsRead.signal()
    }.start()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    errorsRead.wait()
    return ProcessRun(status: process.terminationStatus, output: output, errors: errors.withLock { $0 })
}

/// One of the package's executables running in the background while a test acts on it; killed
/// (SIGKILL) when dropped if still running. Its output goes nowhere, into a log file (kept for when
/// a test fails), or into a pipe read once it has ended.
public final class BackgroundProduct: @unchecked Sendable {
    public enum Output {
        case discard
        case log(String)
        case capture
    }

    public let process = Process()
    private let pipe: Pipe?

    public init(_ product: String, _ arguments: [String], output: Output = .discard, environment: [String: String] = [:]) throws {
        process.executableURL = builtProduct(product)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        switch output {
        case .discard:
            pipe = nil
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        case .log(let path):
            pipe = nil
            FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            process.standardOutput = handle
            process.standardError = handle
        case .capture:
            let pipe = Pipe()
            self.pipe = pipe
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
    }

    deinit { stop(signal: SIGKILL) }

    public var pid: Int32 { process.processIdentifier }

    /// Sends `signal` (if still running), waits for the exit; the exit status.
    @discardableResult
    public func stop(signal: Int32) -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    /// Waits for the process to end by itself; the exit status.
    public func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Sends SIGTERM and waits: the exit status and the seconds the process took to exit.
    public func terminate() -> (status: Int32, seconds: TimeInterval) {
        let signalled = Date()
        let status = stop(signal: SIGTERM)
        return (status, Date().timeIntervalSince(signalled))
    }

    /// What the process printed (with `.capture`), read to the end: call after it has ended.
    public func capturedOutput() -> String {
        String(decoding: pipe?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
    }
}

/// Runs one of the package's executables (`coordinator`, `fetcher`, `parser`, …).
public func runProduct(_ name: String, _ arguments: [String], stdin: Data? = nil) throws -> ProcessRun {
    try runProcess(builtProduct(name), arguments, stdin: stdin)
}

extension JobQueue {
    /// A new queue file where politeness does not slow tests down: no delay between fetches of
    /// a host, and up to 100 at once.
    public static func openWithoutPoliteness(at path: String) throws -> JobQueue {
        var configuration = QueueConfiguration()
        configuration.defaultHostDelay = 0
        configuration.defaultHostConcurrency = 100
        return try JobQueue.open(at: path, creating: true, configuration: configuration)
    }
}

/// The whole pipeline run once over a queue file by real worker processes, stage after stage,
/// each exiting when its stage is empty: fetch (loopback allowed), parse, store into `storeDB`.
/// Returns the three runs so a test can read their logs.
@discardableResult
public func drainPipeline(queue database: String, storeDB: String, fetcherArguments: [String] = []) throws -> [ProcessRun] {
    let runs = [
        try runProduct("fetcher", ["run", "--db", database, "--allow-loopback", "--exit-when-idle"] + fetcherArguments),
        try runProduct("parser", ["run", "--db", database, "--exit-when-idle"]),
        try runProduct("store", ["run", "--db", database, "--store-db", storeDB, "--exit-when-idle"]),
    ]
    for run in runs where run.status != 0 {
        throw PipelineFailed(description: "a worker exited with \(run.status): \(run.stderr.suffix(2000))")
    }
    return runs
}

public struct PipelineFailed: Error, CustomStringConvertible {
    public var description: String
}

/// Polls `condition` every `interval` for up to `seconds` — a test waits for what it needs to
/// see, not for a fixed time. Records an issue naming `what` and throws when time runs out.
public func waitUntil(_ seconds: Double, _ what: String, every interval: Double = 0.02, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return }
        Thread.sleep(forTimeInterval: interval)
    }
    Issue.record("timed out after \(seconds) s waiting for \(what)")
    throw CancellationError()
}

