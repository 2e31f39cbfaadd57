/// A map from nonzero 64-bit integers (feature keys, document ids) to values, for the event
/// index's per-story bookkeeping: open addressing with linear probing, keys spread by
/// SplitMix64's finalizer, at most half full. `Dictionary` hashes every key with SipHash; on
/// `store dedup --events` its lookups of keys and documents were a tenth of the linking's time.
struct Int64Map<Value> {
    private var keys: [Int64]
    private var values: [Value?]
    private var mask: Int
    /// The slots filled, in the order their keys came: what `forEach`, `entries` and `removeAll`
    /// visit, not the whole table (a story's candidate hits fill a few hundred of 2 048 slots).
    private var filled: [Int] = []

    /// Entries held.
    var count: Int { filled.count }

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
            filled.append(index)
            if filled.count * 2 > keys.count {
                grow()
                index = slot(key)
            }
        }
        change(&values[index]!)
    }

    /// Sets the value of `key`.
    mutating func set(_ key: Int64, _ value: Value) { update(key, initial: value) { $0 = value } }

    /// Hands each entry to `body`, in the order the keys came.
    func forEach(_ body: (_ key: Int64, _ value: Value) -> Void) {
        for index in filled { body(keys[index], values[index]!) }
    }

    /// The entries, in the order the keys came.
    var entries: [(key: Int64, value: Value)] { filled.map { (keys[$0], values[$0]!) } }

    mutating func removeAll() {
        for index in filled {
            keys[index] = 0
            values[index] = nil
        }
        filled.removeAll(keepingCapacity: true)
    }

    private mutating func grow() {
        let old = entries
        keys = [Int64](repeating: 0, count: keys.count * 2)
        values = [Value?](repeating: nil, count: keys.count)
        mask = keys.count - 1
        filled.removeAll(keepingCapacity: true)
        for (key, value) in old {
            let index = slot(key)
            keys[index] = key
            values[index] = value
            filled.append(index)
        }
    }
}
