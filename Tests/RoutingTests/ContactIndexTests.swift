import Testing
@testable import Routing

/// The ContactID → slot table behind every contact event: checked against `Dictionary` over random inserts,
/// lookups and removals, with clustered (counter-like) and scattered ids, through growth and deletions that
/// shift probe runs back.
@Suite struct ContactIndexTests {
    @Test(arguments: [false, true])
    func matchesADictionary(clustered: Bool) {
        var index = ContactIndex()
        var reference: [ContactID: UInt32] = [:]
        var random = TestRandom(state: clustered ? 7 : 11)
        var next: ContactID = 1 << 40
        var live: [ContactID] = []
        for step in 0..<200_000 {
            let roll = random.below(100)
            if roll < 45 || live.isEmpty {
                // Clustered: a counter, as the server assigns ids; scattered: any 64-bit value, incl. strides of 2^k.
                let id: ContactID = clustered ? next : (random.chance(20) ? ContactID(random.below(64)) << 20 : random.next())
                next += 1
                let slot = UInt32(step & 0xFFFF)
                index[id] = slot
                if reference[id] == nil { live.append(id) }
                reference[id] = slot
            } else if roll < 75 {
                let k = random.below(live.count)
                let id = live.remove(at: k)
                #expect(index.removeValue(forKey: id) == reference.removeValue(forKey: id))
            } else {
                let id = random.chance(50) ? live[random.below(live.count)] : random.next()
                #expect(index[id] == reference[id])
            }
            if step % 20_000 == 0 {
                #expect(index.count == reference.count)
                for id in live { #expect(index[id] == reference[id]) }
            }
        }
        for id in live { #expect(index[id] == reference[id]) }
        #expect(index.removeValue(forKey: 3) == reference.removeValue(forKey: 3))
        #expect(index.count == reference.count)
    }
}
