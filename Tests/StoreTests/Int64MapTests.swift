import Testing
@testable import Store

@Suite("Int64Map")
struct Int64MapTests {
    @Test("holds what a Dictionary holds through growth, updates in place and clearing, in the order keys came; sequential and mixed keys alike")
    func matchesDictionary() {
        var map = Int64Map<[Int64]>(capacity: 2)
        var reference: [Int64: [Int64]] = [:]
        var order: [Int64] = []
        var generator = SystemRandomNumberGenerator()
        for step in 0..<20_000 {
            // Document ids come in order; feature keys are hashes, negative as often as not.
            let key = step % 3 == 0 ? Int64(step / 3 + 1) : Int64.random(in: Int64.min...Int64.max, using: &generator) | 1
            let repeated = step % 5 == 0 && !reference.isEmpty ? reference.keys.first! : key
            map.update(repeated, initial: []) { $0.append(Int64(step)) }
            if reference[repeated] == nil { order.append(repeated) }
            reference[repeated, default: []].append(Int64(step))
        }
        #expect(map.count == reference.count)
        for (key, value) in reference { #expect(map[key] == value) }
        #expect(map[424_242_424_242] == nil)
        var seen = 0
        map.forEach { key, value in
            seen += 1
            #expect(reference[key] == value)
        }
        #expect(seen == reference.count)
        #expect(map.entries.map(\.key) == order, "in the order the keys came")
        map.removeAll()
        #expect(map.count == 0 && map.entries.isEmpty && map[1] == nil)
        map.set(7, [1])
        map.set(7, [2])
        #expect(map[7] == [2] && map.count == 1)
    }
}
