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

/// The router's timers, driven by the injected clock: fixed-duration lanes beside an indexed binary heap.
///
/// Most router timers are "now + a queue setting" (offer timeout, wrap-up, max wait, reject and no-answer
/// delays), and `now` never goes back, so timers of one duration are scheduled in deadline order: each such
/// duration gets a lane, a FIFO list where scheduling appends and cancelling unlinks, both O(1) (the
/// technique of fixed-timeout timer lists, e.g. Kafka's purgatory and TCP's retransmission timers). The
/// other timers (tier widening, preferred-agent expiry, durations beyond the lanes) go to the heap, with
/// O(log n) cancel. The earliest timer is the least of the heap's top and the lanes' heads.
///
/// Ties fire in scheduling order (a global sequence number), wherever the timers live, so replays are
/// deterministic. No allocation once warmed up.
struct TimerQueue {
    struct Node {
        var deadline: Int64
        var sequence: UInt64
        var target: UInt32
        var kind: TimerKind
        /// Heap index (≥ 0), `Node.inLane`, or `Node.free`.
        var heapIndex: Int32
        /// Lane links (when `heapIndex == inLane`).
        var prev: UInt32 = .none
        var next: UInt32 = .none
        var lane: UInt8 = 0

        static let free: Int32 = -1
        static let inLane: Int32 = -2
    }

    /// Timers of one duration, in deadline order (intrusive list through `Node`).
    struct Lane {
        var duration: Int64
        var head: UInt32 = .none
        var tail: UInt32 = .none
    }

    /// At most this many lanes; further durations use the heap.
    static let maxLanes = 8

    var nodes: [Node] = []
    var heap: [UInt32] = []
    var free: [UInt32] = []
    var lanes: [Lane] = []
    var nextSequence: UInt64 = 0
    private(set) var count = 0
    /// No timer is due before this instant (a lower bound: cancels leave it, `popDue` tightens it), so the
    /// common "nothing due yet" answer of `popDue` is one comparison, not a look at every lane.
    private var noneBefore: Int64 = .max

    init() { lanes.reserveCapacity(Self.maxLanes) }

    /// Earliest deadline, if any.
    var nextDeadline: Int64? {
        let e = earliest()
        return e == .none ? nil : nodes[Int(e)].deadline
    }

    @inline(__always) func isEarlier(_ a: UInt32, _ b: UInt32) -> Bool {
        let x = nodes[Int(a)], y = nodes[Int(b)]
        return x.deadline < y.deadline || (x.deadline == y.deadline && x.sequence < y.sequence)
    }

    /// The handle of the earliest timer, or `.none`.
    @inline(__always) func earliest() -> UInt32 {
        var best: UInt32 = heap.isEmpty ? .none : heap[0]
        for lane in lanes where lane.head != .none {
            if best == .none || isEarlier(lane.head, best) { best = lane.head }
        }
        return best
    }

    private mutating func newNode(_ node: Node) -> TimerHandle {
        count += 1
        if node.deadline < noneBefore { noneBefore = node.deadline }
        if let reused = free.popLast() {
            nodes[Int(reused)] = node
            return reused
        }
        nodes.append(node)
        return UInt32(nodes.count - 1)
    }

    /// Schedules a timer `duration` after `now` (`now` never earlier than at a previous call): in the lane
    /// of that duration when there is one or room for one, else in the heap.
    mutating func schedule(after duration: Int64, now: Int64, kind: TimerKind, target: UInt32) -> TimerHandle {
        let deadline = now &+ duration
        var laneIndex = -1
        for (i, lane) in lanes.enumerated() where lane.duration == duration { laneIndex = i; break }
        if laneIndex < 0, lanes.count < Self.maxLanes {
            lanes.append(Lane(duration: duration))
            laneIndex = lanes.count - 1
        }
        // A lane must stay in deadline order; a deadline before its tail's (time went back) uses the heap.
        guard laneIndex >= 0, lanes[laneIndex].tail == .none || nodes[Int(lanes[laneIndex].tail)].deadline <= deadline else {
            return schedule(at: deadline, kind: kind, target: target)
        }
        let tail = lanes[laneIndex].tail
        let handle = newNode(Node(deadline: deadline, sequence: nextSequence, target: target, kind: kind,
                                  heapIndex: Node.inLane, prev: tail, next: .none, lane: UInt8(laneIndex)))
        nextSequence &+= 1
        if tail == .none { lanes[laneIndex].head = handle } else { nodes[Int(tail)].next = handle }
        lanes[laneIndex].tail = handle
        return handle
    }

    /// Schedules a timer at an absolute deadline (heap) and returns its handle.
    mutating func schedule(at deadline: Int64, kind: TimerKind, target: UInt32) -> TimerHandle {
        let handle = newNode(Node(deadline: deadline, sequence: nextSequence, target: target, kind: kind,
                                  heapIndex: Int32(heap.count)))
        nextSequence &+= 1
        heap.append(handle)
        siftUp(heap.count - 1)
        return handle
    }

    /// Cancels a timer; a `none` or already-fired handle is ignored.
    mutating func cancel(_ handle: TimerHandle) {
        guard handle != .none, Int(handle) < nodes.count else { return }
        let index = nodes[Int(handle)].heapIndex
        if index >= 0 {
            removeAt(Int(index))
        } else if index == Node.inLane {
            unlink(handle)
        }
    }

    /// Removes and returns the earliest timer if its deadline is at or before `now`.
    mutating func popDue(now: Int64) -> (deadline: Int64, kind: TimerKind, target: UInt32)? {
        guard now >= noneBefore else { return nil }
        let first = earliest()
        guard first != .none else {
            noneBefore = .max
            return nil
        }
        let node = nodes[Int(first)]
        // The earliest deadline is a lower bound for what stays after this pop too.
        noneBefore = node.deadline
        guard node.deadline <= now else { return nil }
        if node.heapIndex >= 0 { removeAt(Int(node.heapIndex)) } else { unlink(first) }
        return (node.deadline, node.kind, node.target)
    }

    private mutating func unlink(_ handle: UInt32) {
        let n = nodes[Int(handle)]
        let l = Int(n.lane)
        if n.prev == .none { lanes[l].head = n.next } else { nodes[Int(n.prev)].next = n.next }
        if n.next == .none { lanes[l].tail = n.prev } else { nodes[Int(n.next)].prev = n.prev }
        nodes[Int(handle)].heapIndex = Node.free
        nodes[Int(handle)].prev = .none
        nodes[Int(handle)].next = .none
        free.append(handle)
        count -= 1
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
        nodes[Int(handle)].heapIndex = Node.free
        free.append(handle)
        count -= 1
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
