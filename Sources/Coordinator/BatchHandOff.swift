import Dispatch
import Synchronization

/// A bounded hand-off of values from one producer thread to one consumer thread: `put`
/// blocks while `capacity` values wait, `take` blocks until a value arrives or the producer
/// has closed it (then nil).
final class BatchHandOff<Value: Sendable>: Sendable {
    private let waiting = Mutex<(values: [Value], closed: Bool)>(([], false))
    private let available: DispatchSemaphore
    private let filled = DispatchSemaphore(value: 0)

    init(capacity: Int) {
        available = DispatchSemaphore(value: capacity)
    }

    func put(_ value: Value) {
        available.wait()
        waiting.withLock { $0.values.append(value) }
        filled.signal()
    }

    func close() {
        waiting.withLock { $0.closed = true }
        filled.signal()
    }

    func take() -> Value? {
        while true {
            filled.wait()
            let next: Value?? = waiting.withLock { state in
                if !state.values.isEmpty { return .some(state.values.removeFirst()) }
                return state.closed ? .some(nil) : nil
            }
            guard let next else { continue }
            if next != nil { available.signal() } else { filled.signal() }
            return next
        }
    }
}
