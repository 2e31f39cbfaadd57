/// A set of 64-bit hashes for the verifier: open addressing with linear probing, indexed by the
/// values' own bits. Shingle hashes are already uniformly mixed, so hashing them again, as
/// `Set<UInt64>` does with SipHash, costs the verifier a third of its time for nothing.
/// It grows as values are inserted, staying at most half full.
struct HashSet64 {
    private var slots: [UInt64]
    private var mask: Int
    private var filled = 0
    /// 0 marks an empty slot; the value 0 itself is remembered apart.
    private var containsZero = false

    init(_ values: [UInt64] = []) {
        var capacity = 16
        while capacity < values.count * 2 { capacity <<= 1 }
        slots = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        for value in values { insert(value) }
    }

    var isEmpty: Bool { filled == 0 && !containsZero }

    mutating func insert(_ value: UInt64) {
        guard value != 0 else { containsZero = true; return }
        var index = Int(truncatingIfNeeded: value) & mask
        while slots[index] != 0 {
            if slots[index] == value { return }
            index = (index + 1) & mask
        }
        slots[index] = value
        filled += 1
        if filled * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        filled = 0
        for value in old where value != 0 { insert(value) }
    }

    func contains(_ value: UInt64) -> Bool {
        guard value != 0 else { return containsZero }
        var index = Int(truncatingIfNeeded: value) & mask
        while slots[index] != 0 {
            if slots[index] == value { return true }
            index = (index + 1) & mask
        }
        return false
    }
}
