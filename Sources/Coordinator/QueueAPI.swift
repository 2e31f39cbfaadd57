import Dispatch
import Foundation
import Hummingbird
import Logging
import Model
import Queue
import QueueWire
import WorkerSupport

/// The coordinator's HTTP/JSON API in front of the queue: everything a remote worker needs
/// (register and heartbeat, lease, extend, release, complete with follow-ons, fail), enqueue,
/// the boilerplate and robots tables the workers share, `stats`, Prometheus `/metrics`, an
/// unauthenticated `/healthz`, and the status page for people (`StatusPage`, its own login). `docs/openapi.json` describes each endpoint; the API tests check
/// the server against it.
///
/// Every answer is JSON. A request the API cannot take gets a 4xx with `{"error": "…"}` naming
/// what was wrong, and changes nothing: 400 malformed, 401 no or wrong token, 409 a lease that
/// is not (or no longer) the caller's, 413 a body over the limit.
struct QueueAPI: Sendable {
    typealias Context = BasicRequestContext

    let queue: JobQueue
    let token: String
    let maxBodyBytes: Int
    /// How long a request body may take to arrive once its head is in.
    let readTimeout: Duration
    let metrics: QueueMetrics
    /// SQLite calls block; they run here, off the server's event loops.
    private let blockingWork = DispatchQueue(label: "wireroom.api.queue", attributes: .concurrent)

    init(queue: JobQueue, token: String, maxBodyBytes: Int, readTimeout: Duration = .seconds(60), metrics: QueueMetrics) {
        self.queue = queue
        self.token = token
        self.maxBodyBytes = maxBodyBytes
        self.readTimeout = readTimeout
        self.metrics = metrics
    }

    /// A refusal: the status and the message sent back.
    struct Refusal: Error {
        var status: HTTPResponse.Status
        var message: String
    }

    func router() -> Router<Context> {
        let router = Router(context: Context.self)
        router.add(middleware: MetricsMiddleware())
        router.get("/healthz") { _, _ in Self.json(.ok, ["status": "ok"]) }
        StatusPage(queue: queue, token: token, articles: metrics.articles, thresholds: metrics.thresholds)
            .add(to: router, blocking: { try await answer($0) })
        let api = router.group().add(middleware: BearerTokenMiddleware(token: token))
        api.get("/metrics") { _, _ in
            let text = try await blocking { try metrics.exposition(of: queue) }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        api.get("/v1/stats") { _, _ in
            try await answer {
                let text = try JSONOutput.encode(try metrics.pipelineStats(of: queue))
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
            }
        }
        post(api, "/v1/workers/register") { (request: API.RegisterWorker) in
            try queue.registerWorker(id: request.id, stage: request.stage, hostname: request.hostname, pid: request.pid)
            return Self.empty
        }
        post(api, "/v1/workers/heartbeat") { (request: API.WorkerID) in
            try queue.workerHeartbeat(id: request.id)
            return Self.empty
        }
        post(api, "/v1/workers/unregister") { (request: API.WorkerID) in
            try queue.unregisterWorker(id: request.id)
            return Self.empty
        }
        post(api, "/v1/lease") { (request: API.Lease) in
            guard (1...1000).contains(request.limit) else { throw Refusal(status: .badRequest, message: "limit must be 1 to 1000, got \(request.limit)") }
            try Self.checkLeaseSeconds(request.leaseSeconds)
            let jobs = try queue.lease(stage: request.stage, worker: request.worker, limit: request.limit, leaseSeconds: request.leaseSeconds)
            return Self.json(.ok, API.Jobs(jobs: jobs))
        }
        post(api, "/v1/extend") { (request: API.Extend) in
            try Self.checkLeaseSeconds(request.leaseSeconds)
            return Self.json(.ok, API.JobIDs(jobIDs: try queue.extend(jobIDs: request.jobIDs, leaseToken: request.leaseToken, leaseSeconds: request.leaseSeconds)))
        }
        post(api, "/v1/release") { (request: API.Release) in
            Self.json(.ok, API.JobIDs(jobIDs: try queue.release(jobIDs: request.jobIDs, leaseToken: request.leaseToken)))
        }
        post(api, "/v1/complete") { (request: API.Complete) in
            var completions = request.completions
            for index in completions.indices { try Self.prepare(&completions[index]) }
            let settlements = try queue.complete(completions)
            // 409 when any completion's lease was not held: those changed nothing; the others are recorded.
            return Self.json(settlements.contains(.staleLease) ? .conflict : .ok, API.Settlements(settlements: settlements))
        }
        post(api, "/v1/fail") { (request: API.Fail) in
            let settlements = try queue.fail(request.failures)
            // 409 when any failure's lease was not held: those changed nothing; the others are recorded.
            return Self.json(settlements.contains(.staleLease) ? .conflict : .ok, API.Settlements(settlements: settlements))
        }
        post(api, "/v1/enqueue") { (request: API.Enqueue) in
            let specs = request.urls.map { URLRequestSpec(url: $0.url, kind: $0.kind ?? .auto, priority: $0.priority ?? 0) }
            return Self.json(.ok, API.Enqueued(try queue.add(specs)))
        }
        post(api, "/v1/boilerplate/query") { (request: API.Hosts) in
            let known = try queue.boilerplate(hosts: Set(request.hosts))
            return Self.json(.ok, API.Boilerplate(fingerprints: known.mapValues { $0.sorted() }))
        }
        post(api, "/v1/boilerplate/record") { (request: API.RecordBlocks) in
            try queue.recordBlocks(request.pages.map { HostBlocks(host: $0.host, fingerprints: Set($0.fingerprints)) })
            return Self.empty
        }
        post(api, "/v1/robots/get") { (request: API.Host) in
            Self.json(.ok, API.Robots(robots: try queue.robots(host: request.host)))
        }
        post(api, "/v1/robots/store") { (request: API.StoreRobots) in
            try queue.storeRobots(host: request.host, status: request.status, body: request.body)
            return Self.empty
        }
        post(api, "/v1/hosts/delay") { (request: API.Host) in
            Self.json(.ok, API.HostDelay(delay: try queue.hostDelay(host: request.host)))
        }
        post(api, "/v1/hosts/politeness") { (request: API.Politeness) in
            try queue.setHostPoliteness(host: request.host, delay: request.delay, concurrency: request.concurrency)
            return Self.empty
        }
        return router
    }

    /// Registers a JSON POST endpoint: the body is read up to the limit and decoded as `In`,
    /// then `handle` runs off the event loop.
    private func post<In: Decodable & Sendable>(_ group: RouterGroup<Context>, _ path: RouterPath,
                                                _ handle: @escaping @Sendable (In) throws -> Response) {
        let (limit, timeout) = (maxBodyBytes, readTimeout)
        group.post(path) { request, _ in
            let body: ByteBuffer
            do {
                body = try await Self.collect(request.body, upTo: limit, within: timeout)
            } catch let error as HTTPResponseError where error.status == .contentTooLarge {
                return Self.problem(.contentTooLarge, "request body over the limit of \(limit) bytes")
            } catch is BodyTimedOut {
                var answer = Self.problem(.requestTimeout, "request body not received within \(timeout)")
                answer.headers[.connection] = "close"
                return answer
            }
            let input: In
            do {
                input = try WireCoding.decoder().decode(In.self, from: Data(body.readableBytesView))
            } catch {
                let bytes = Data(body.readableBytesView)
                if let field = Self.numberOutOfRange(in: bytes) {
                    return Self.problem(.badRequest, "malformed request body: \(field) is a number outside the range this field takes")
                }
                return Self.problem(.badRequest, "malformed request body: \(Self.describe(error))")
            }
            return try await answer { try handle(input) }
        }
    }

    private struct BodyTimedOut: Error {}

    /// The body, unless it takes longer than `timeout` to arrive (a client trickling its body
    /// would otherwise hold the connection and its buffer for as long as it likes).
    private static func collect(_ body: RequestBody, upTo limit: Int, within timeout: Duration) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else { throw BodyTimedOut() }
            return buffer
        }
    }

    /// Runs `work` off the event loop and turns refusals and queue errors into answers.
    private func answer(_ work: @escaping @Sendable () throws -> Response) async throws -> Response {
        do {
            return try await blocking(work)
        } catch let refusal as Refusal {
            return Self.problem(refusal.status, refusal.message)
        } catch let error as QueueError {
            switch error {
            case .invalidArgument(let message): return Self.problem(.badRequest, message)
            case .staleLease(let jobID): return Self.problem(.conflict, "job \(jobID) is not leased under that token")
            case .unknownJob: return Self.problem(.notFound, error.description)
            case _ where error.isTransient:
                // Trouble that passes: the worker waits as asked and sends the same request again.
                var answer = Self.problem(.serviceUnavailable, error.description)
                answer.headers[.retryAfter] = "2"
                return answer
            default: return Self.problem(.internalServerError, error.description)
            }
        } catch {
            return Self.problem(.internalServerError, "\(error)")
        }
    }

    private func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            blockingWork.async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// A lease time the API accepts: above 0, at most a day.
    private static func checkLeaseSeconds(_ seconds: TimeInterval) throws {
        guard seconds > 0 && seconds <= 86_400 else {
            throw Refusal(status: .badRequest, message: "leaseSeconds must be above 0 and at most 86400, got \(seconds)")
        }
    }

    /// Compresses a completion's payloads here, before the queue's write transaction.
    private static func prepare(_ completion: inout Completion) throws {
        for index in completion.followOns.indices {
            if case .next(let stage, var payload) = completion.followOns[index] {
                try payload.prepareForStorage()
                completion.followOns[index] = .next(stage, payload: payload)
            }
        }
    }

    static let empty = json(.ok, [String: String]())

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let data = (try? WireCoding.encoder().encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func problem(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(status, API.Problem(error: message))
    }

    /// The path (`urls.0.priority`) of a number too large for a 64-bit integer in `body`, if it
    /// is valid JSON with one: Foundation's decoder reports such a number as "not valid JSON"
    /// without saying where.
    static func numberOutOfRange(in body: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: body, options: .fragmentsAllowed) else { return nil }
        func find(_ value: Any, _ path: [String]) -> String? {
            switch value {
            case let dictionary as [String: Any]:
                for key in dictionary.keys.sorted() { if let found = find(dictionary[key]!, path + [key]) { return found } }
            case let array as [Any]:
                for (index, element) in array.enumerated() { if let found = find(element, path + [String(index)]) { return found } }
            case let number as NSNumber where !(number.doubleValue.magnitude < 9.2e18):
                return path.isEmpty ? "body" : path.joined(separator: ".")
            default:
                break
            }
            return nil
        }
        return find(object, [])
    }

    /// A decoding error as a reader wants it: what was wrong and where.
    static func describe(_ error: Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        let path = { (context: DecodingError.Context) in context.codingPath.map(\.stringValue).joined(separator: ".") }
        switch decoding {
        case .keyNotFound(let key, let context): return "missing \(([path(context)] + [key.stringValue]).filter { !$0.isEmpty }.joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context): return "\(path(context).isEmpty ? "body" : path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// Lets a request through only with `Authorization: Bearer <token>`, compared in constant
/// time (a timing difference must not tell how much of a guess was right).
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]

    init(token: String) { self.token = Array(token.utf8) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), Self.equal(Array(header.utf8.dropFirst(7)), token) else {
            return QueueAPI.problem(.unauthorized, "missing or wrong bearer token")
        }
        return try await next(request, context)
    }

    /// Equal bytes, in time that depends only on the lengths.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}

extension API.Enqueued {
    /// The answer to `/v1/enqueue`: what the frontier made of each URL.
    init(_ outcomes: [AddOutcome]) {
        self.init(outcomes: outcomes.map { outcome in
            switch outcome {
            case .added(let url, let jobID): Outcome(input: url, outcome: "added", jobID: jobID)
            case .known(let url): Outcome(input: url, outcome: "known")
            case .invalid(let input, let reason): Outcome(input: input, outcome: "invalid", reason: "\(reason)")
            }
        })
    }
}
