import Benchmark
import Routing

/// Issue 3 §6. Scenario: 10,000 agents, 1,000 queues over three channels, 5 queues per agent, default
/// capacities. One contact cycle = arrive → offer → accept → complete → wrap-up ends. Each figure of ours
/// has the mutex + scan reference (`BaselineRouter`) measured in the same run.
let benchmarks: @Sendable () -> Void = {
    let throughput = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 1_000)

    // Throughput: contact cycles per second through one shard (submit through the ring, consume, route).
    Benchmark("Routing.cycles.shard", configuration: throughput) { (benchmark: Benchmark, cycles: ShardCycles) in
        cycles.run(cycles: benchmark.scaledIterations.count)
    } setup: {
        ShardCycles()
    }

    Benchmark("Routing.cycles.baselineMutexScan", configuration: throughput) { (benchmark: Benchmark, cycles: BaselineCycles) in
        cycles.run(cycles: benchmark.scaledIterations.count)
    } setup: {
        BaselineCycles()
    }

    // Latency: submit-to-offer at half of the measured maximum rate, shard on its own busy-polling thread.
    let latencyMetric = BenchmarkMetric.custom("submit_to_offer_ns", polarity: .prefersSmaller, useScalingFactor: false)
    let rateMetric = BenchmarkMetric.custom("offered_rate_per_s", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark("Routing.latency.halfMaxRate",
              configuration: .init(metrics: [latencyMetric, rateMetric], warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 1)) { benchmark in
        let calibration = ShardCycles()
        calibration.run(cycles: 20_000)   // warm up
        let t0 = monotonicNanos()
        calibration.run(cycles: 200_000)
        let maxRate = 200_000.0 / (Double(monotonicNanos() - t0) / 1e9)
        let rate = maxRate / 2
        benchmark.measurement(rateMetric, Int(rate))
        for ns in runLatency(count: 300_000, rate: rate) { benchmark.measurement(latencyMetric, Int(ns)) }
    }

    // Memory: bytes of router state per agent and per waiting contact (malloc in use, before/after).
    let ourAgent = BenchmarkMetric.custom("ours_bytes_per_agent", useScalingFactor: false)
    let ourContact = BenchmarkMetric.custom("ours_bytes_per_waiting_contact", useScalingFactor: false)
    let baseAgent = BenchmarkMetric.custom("baseline_bytes_per_agent", useScalingFactor: false)
    let baseContact = BenchmarkMetric.custom("baseline_bytes_per_waiting_contact", useScalingFactor: false)
    Benchmark("Routing.memory",
              configuration: .init(metrics: [ourAgent, ourContact, baseAgent, baseContact], warmupIterations: 0, maxIterations: 1)) { benchmark in
        let waitingCount = 100_000
        var before = mallocInUse()
        let router = Scenario.makeRouter(loggedIn: false)
        benchmark.measurement(ourAgent, (mallocInUse() - before) / Scenario.agentCount)
        before = mallocInUse()
        for i in 0..<waitingCount {
            router.handle(.arrive(ContactRequest(id: ContactID(i), tenant: Scenario.tenant, queue: Scenario.queue(ofContact: i))), now: .zero)
            while router.pollOutput() != nil {}
        }
        benchmark.measurement(ourContact, (mallocInUse() - before) / waitingCount)
        blackHole(router)

        before = mallocInUse()
        let baseline = BaselineRouter()
        benchmark.measurement(baseAgent, (mallocInUse() - before) / Scenario.agentCount)
        baseline.makeEveryoneUnavailable()
        before = mallocInUse()
        for i in 0..<waitingCount { _ = baseline.arrive(ContactID(i), queue: Scenario.queue(ofContact: i), now: 0) }
        benchmark.measurement(baseContact, (mallocInUse() - before) / waitingCount)
        blackHole(baseline)
    }
}
