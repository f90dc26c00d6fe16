/// A map from keys to small records with bounded memory and O(1) (amortized) work per operation: keys
/// live in two generations of at most `capacity` entries; when the current one fills it becomes the
/// previous one and the old previous one is dropped. Only keys untouched for `capacity` newer keys are
/// forgotten. Used by the login throttle and the web chat limits, whose keys an attacker chooses.
public struct BoundedTable<Value: Sendable>: Sendable {
    private var current: [String: Value] = [:]
    private var previous: [String: Value] = [:]
    public let capacity: Int

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    public subscript(key: String) -> Value? { current[key] ?? previous[key] }

    /// Stores `value` for `key` in the current generation.
    public mutating func set(_ key: String, _ value: Value) {
        if current[key] == nil && current.count >= capacity {
            previous = current
            current = Dictionary(minimumCapacity: capacity)
        }
        current[key] = value
    }

    /// Keys remembered now (at most twice `capacity`).
    public var count: Int { current.count + previous.count }
}
