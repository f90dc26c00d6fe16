/// What a router timer does when it fires (issue 3 §3 "Timers ... run on the shard").

enum TimerKind: UInt8 {
    case offerTimeout = 0   // target: offer slot
    case wrapUpEnd          // target: contact slot
    case tierWiden          // target: contact slot
    case maxWait            // target: contact slot
    case preferredExpiry    // target: contact slot
    case agentDelayEnd      // target: agent id
}

/// Handle of a scheduled timer; `TimerHandle.none` when nothing is scheduled.

typealias TimerHandle = UInt32

extension TimerHandle {
    static let none: UInt32 = .max
}

/// An indexed binary min-heap of deadlines with O(log n) cancel, driven by the injected clock.
/// Ties fire in scheduling order, so replays are deterministic. No allocation once warmed up.

struct TimerQueue {
    struct Node {
        var deadline: Int64
        var sequence: UInt64
        var target: UInt32
        var kind: TimerKind
        var heapIndex: Int32   // -1 when free
    }
    var nodes: [Node] = []
    var heap: [UInt32] = []
    var free: [UInt32] = []
    var nextSequence: UInt64 = 0

    init() {}

    /// Number of live timers.
    var count: Int { heap.count }

    /// Earliest deadline, if any.
    var nextDeadline: Int64? { heap.isEmpty ? nil : nodes[Int(heap[0])].deadline }


    func isEarlier(_ a: UInt32, _ b: UInt32) -> Bool {
        let x = nodes[Int(a)], y = nodes[Int(b)]
        return x.deadline < y.deadline || (x.deadline == y.deadline && x.sequence < y.sequence)
    }

    /// Schedules a timer and returns its handle.

    mutating func schedule(at deadline: Int64, kind: TimerKind, target: UInt32) -> TimerHandle {
        let node = Node(deadline: deadline, sequence: nextSequence, target: target, kind: kind, heapIndex: Int32(heap.count))
        nextSequence &+= 1
        let handle: UInt32
        if let reused = free.popLast() {
            handle = reused
            nodes[Int(handle)] = node
        } else {
            handle = UInt32(nodes.count)
            nodes.append(node)
        }
        heap.append(handle)
        siftUp(heap.count - 1)
        return handle
    }

    /// Cancels a timer; a `none` or already-fired handle is ignored.

    mutating func cancel(_ handle: TimerHandle) {
        guard handle != .none, Int(handle) < nodes.count else { return }
        let index = Int(nodes[Int(handle)].heapIndex)
        guard index >= 0 else { return }
        removeAt(index)
    }

    /// Removes and returns the earliest timer if its deadline is at or before `now`.

    mutating func popDue(now: Int64) -> (deadline: Int64, kind: TimerKind, target: UInt32)? {
        guard let first = heap.first else { return nil }
        let node = nodes[Int(first)]
        guard node.deadline <= now else { return nil }
        removeAt(0)
        return (node.deadline, node.kind, node.target)
    }


    mutating func removeAt(_ index: Int) {
        let handle = heap[index]
        let last = heap.removeLast()
        if index < heap.count {
            heap[index] = last
            nodes[Int(last)].heapIndex = Int32(index)
            siftDown(index)
            siftUp(Int(nodes[Int(last)].heapIndex))
        }
        nodes[Int(handle)].heapIndex = -1
        free.append(handle)
    }


    mutating func siftUp(_ start: Int) {
        // One uniqueness check per sift instead of per step: the hole moves up, parents move down into it.
        heap.withUnsafeMutableBufferPointer { h in
            nodes.withUnsafeMutableBufferPointer { n in
                var i = start
                let moving = h[i]
                let d = n[Int(moving)].deadline, s = n[Int(moving)].sequence
                while i > 0 {
                    let parent = (i - 1) >> 1
                    let p = h[parent]
                    let pd = n[Int(p)].deadline
                    guard d < pd || (d == pd && s < n[Int(p)].sequence) else { break }
                    h[i] = p
                    n[Int(p)].heapIndex = Int32(i)
                    i = parent
                }
                h[i] = moving
                n[Int(moving)].heapIndex = Int32(i)
            }
        }
    }


    mutating func siftDown(_ start: Int) {
        heap.withUnsafeMutableBufferPointer { h in
            nodes.withUnsafeMutableBufferPointer { n in
                var i = start
                let count = h.count
                let moving = h[i]
                let d = n[Int(moving)].deadline, s = n[Int(moving)].sequence
                while true {
                    let l = 2 * i + 1
                    if l >= count { break }
                    var best = l
                    if l + 1 < count {
                        let a = n[Int(h[l + 1])], b = n[Int(h[l])]
                        if a.deadline < b.deadline || (a.deadline == b.deadline && a.sequence < b.sequence) { best = l + 1 }
                    }
                    let c = n[Int(h[best])]
                    guard c.deadline < d || (c.deadline == d && c.sequence < s) else { break }
                    h[i] = h[best]
                    n[Int(h[i])].heapIndex = Int32(i)
                    i = best
                }
                h[i] = moving
                n[Int(moving)].heapIndex = Int32(i)
            }
        }
    }
}
