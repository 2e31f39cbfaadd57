/// A map from nonzero 64-bit integers (feature keys, document ids) to values, for the event
/// index's per-story bookkeeping: open addressing with linear probing, keys spread by
/// SplitMix64's finalizer, at most half full. `Dictionary` hashes every key with SipHash; on
/// `store dedup --events` its lookups of keys and documents were a tenth of the linking's time.
struct Int64Map<Value> {
    private var keys: [Int64]
    private var values: [Value?]
    private var mask: Int
    /// Entries held.
    private(set) var count = 0

    init(capacity: Int = 8) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [Int64](repeating: 0, count: size)
        values = [Value?](repeating: nil, count: size)
        mask = size - 1
    }

    /// The slot holding `key`, or the empty one where it would go.
    private func slot(_ key: Int64) -> Int {
        precondition(key != 0, "0 marks an empty slot")
        var index = Int(truncatingIfNeeded: Hashing.mix(UInt64(bitPattern: key))) & mask
        while keys[index] != 0, keys[index] != key { index = (index + 1) & mask }
        return index
    }

    subscript(key: Int64) -> Value? {
        let index = slot(key)
        return keys[index] == key ? values[index] : nil
    }

    /// Changes the value of `key` in place, starting from `initial` when it has none.
    mutating func update(_ key: Int64, initial: @autoclosure () -> Value, _ change: (inout Value) -> Void) {
        var index = slot(key)
        if keys[index] != key {
            keys[index] = key
            values[index] = initial()
            count += 1
            if count * 2 > keys.count {
                grow()
                index = slot(key)
            }
        }
        change(&values[index]!)
    }

    /// Sets the value of `key`.
    mutating func set(_ key: Int64, _ value: Value) { update(key, initial: value) { $0 = value } }

    /// Hands each entry to `body`, in no order.
    func forEach(_ body: (_ key: Int64, _ value: Value) -> Void) {
        for index in keys.indices where keys[index] != 0 { body(keys[index], values[index]!) }
    }

    /// The entries, in no order.
    var entries: [(key: Int64, value: Value)] {
        var entries: [(key: Int64, value: Value)] = []
        entries.reserveCapacity(count)
        for index in keys.indices where keys[index] != 0 { entries.append((keys[index], values[index]!)) }
        return entries
    }

    mutating func removeAll() {
        guard count > 0 else { return }
        for index in keys.indices { keys[index] = 0 }
        for index in values.indices { values[index] = nil }
        count = 0
    }

    private mutating func grow() {
        let old = entries
        keys = [Int64](repeating: 0, count: keys.count * 2)
        values = [Value?](repeating: nil, count: keys.count)
        mask = keys.count - 1
        for (key, value) in old {
            let index = slot(key)
            keys[index] = key
            values[index] = value
        }
    }
}
