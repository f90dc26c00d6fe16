import Mail
import Testing

@Suite("Retry backoff")
struct RetryPolicyTests {
    @Test("Exponential from the base, capped, with equal jitter between half and the whole delay")
    func exponential() {
        let low = RetryPolicy(baseDelay: .seconds(2), maxDelay: .seconds(60), maxAttempts: 8, random: { 0 })
        let high = RetryPolicy(baseDelay: .seconds(2), maxDelay: .seconds(60), maxAttempts: 8, random: { 0.999_999 })
        #expect((1...7).map { low.delay(afterAttempts: $0) } == [1, 2, 4, 8, 16, 30, 30])
        let top = (1...7).map { high.delay(afterAttempts: $0) }
        for (value, expected) in zip(top, [2.0, 4, 8, 16, 32, 60, 60]) {
            #expect(abs(value - expected) < 0.001)
        }
        #expect(low.delay(afterAttempts: 1_000) == 30)
    }

    @Test("Exhausted at maxAttempts failed attempts, never below one")
    func exhausted() {
        let policy = RetryPolicy(maxAttempts: 3)
        #expect(!policy.isExhausted(attempts: 2))
        #expect(policy.isExhausted(attempts: 3))
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }
}
